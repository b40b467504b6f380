import Foundation

/// The safetensors file format (huggingface/safetensors, README "Format"): 8 bytes, an unsigned
/// little-endian 64-bit header length `N`; `N` bytes of JSON, an object mapping each tensor's
/// name to `{"dtype": "I64", "shape": [16], "data_offsets": [begin, end]}` (byte offsets into the
/// data that follows the header) plus an optional `"__metadata__"` object of strings; then the
/// raw little-endian tensors.
///
/// Read directly, with no package. Refused, with a message naming the file and the tensor: a
/// header longer than the file, a dtype other than I32, I64, F32, F64, U8, offsets out of the
/// data or overlapping another tensor's, a byte range that disagrees with the shape.
public enum Safetensors {
  /// Reads every tensor of the file at `path`, by name.
  public static func read(path: String) throws -> [String: RecordedTensor] {
    try decode(RecordedFile.bytes(path), file: path)
  }

  /// Decodes safetensors bytes; `file` names them in errors.
  public static func decode(_ bytes: Data, file: String) throws -> [String: RecordedTensor] {
    func fail(_ message: String) -> TraceError {
      TraceError(file: file, line: nil, message: "not a readable safetensors file: \(message)")
    }
    let start = bytes.startIndex
    guard bytes.count >= 8 else { throw fail("shorter than the 8-byte header length") }
    var claimed: UInt64 = 0
    for index in 0..<8 { claimed |= UInt64(bytes[start + index]) << (8 * UInt64(index)) }
    guard claimed <= UInt64(bytes.count - 8) else {
      throw fail(
        "the header claims \(claimed) bytes but the file has only \(bytes.count - 8) after the length"
      )
    }
    let headerEnd = 8 + Int(claimed)
    let header: JSONValue
    do {
      header = try JSONValue.parseJSON5(bytes[(start + 8)..<(start + headerEnd)])
    } catch {
      throw fail("the header is not JSON")
    }
    guard case .object(let entries) = header else { throw fail("the header is not a JSON object") }
    let dataLength = bytes.count - headerEnd
    var tensors: [String: RecordedTensor] = [:]
    var ranges: [(name: String, range: Range<Int>)] = []
    for name in entries.keys.sorted() where name != "__metadata__" {
      func bad(_ message: String) -> TraceError { fail("tensor '\(name)': \(message)") }
      guard case .object(let fields) = entries[name]! else { throw bad("is not an object") }
      if let unknown = fields.keys.sorted().first(where: {
        !["dtype", "shape", "data_offsets"].contains($0)
      }) {
        throw bad("unknown key '\(unknown)'; allowed dtype, shape, data_offsets")
      }
      guard case .string(let dtype) = fields["dtype"] else { throw bad("dtype is missing") }
      guard let type = TensorElementType.allCases.first(where: { $0.safetensorsName == dtype })
      else {
        let allowed = TensorElementType.allCases.map(\.safetensorsName).joined(separator: ", ")
        throw bad("dtype \(dtype) is not one of \(allowed)")
      }
      guard case .array(let lengths) = fields["shape"] else { throw bad("shape is missing") }
      var shape: [Int] = []
      for length in lengths {
        guard case .integer(let value) = length, value >= 0 else {
          throw bad("shape holds \(length.rendered); expected integers ≥ 0")
        }
        shape.append(value)
      }
      guard case .array(let offsets) = fields["data_offsets"], offsets.count == 2,
        case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1]
      else { throw bad("data_offsets is not [begin, end]") }
      guard 0 <= begin, begin <= end, end <= dataLength else {
        throw bad("data_offsets [\(begin), \(end)] lie outside the \(dataLength) data bytes")
      }
      guard let count = RecordedTensor.elementCount(shape),
        case (let needed, false) = count.multipliedReportingOverflow(by: type.byteCount),
        needed == end - begin
      else {
        throw bad(
          "shape \(RecordedTensor.describe(shape)) of \(dtype) does not fill data_offsets "
            + "[\(begin), \(end)] (\(end - begin) bytes)")
      }
      ranges.append((name, begin..<end))
      tensors[name] = RecordedTensor(
        shape: shape, values: type.decode(bytes, offset: start + headerEnd + begin, count: count))
    }
    ranges.sort { $0.range.lowerBound < $1.range.lowerBound }
    for (previous, next) in zip(ranges, ranges.dropFirst())
    where next.range.lowerBound < previous.range.upperBound {
      throw fail(
        "tensor '\(next.name)' data_offsets overlap those of '\(previous.name)' "
          + "(\(next.range.lowerBound) < \(previous.range.upperBound))")
    }
    return tensors
  }
}
