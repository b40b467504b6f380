import Foundation

/// A dense array read from a foreign file (`.npy`, safetensors, a JSON nested list): its shape
/// and its elements in C (row-major) order, widened to `Double` (exact for integers up to 2^53,
/// far beyond any token count).
public struct RecordedTensor: Sendable, Equatable {
  /// Length of each dimension, outermost first; `[]` is a scalar.
  public var shape: [Int]
  /// `shape.reduce(1, *)` elements, the last index varying fastest.
  public var values: [Double]

  public init(shape: [Int], values: [Double]) {
    self.shape = shape
    self.values = values
  }

  /// Number of elements `shape` describes, or nil when the product overflows `Int`.
  static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for length in shape {
      guard length >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: length)
      if overflow { return nil }
      count = product
    }
    return count
  }

  /// `shape` as numpy prints it, e.g. `(2, 3)`.
  static func describe(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
  }
}

/// The element types the readers accept, all little-endian: the integer and floating-point types
/// a recorder writes counts, weights or expert ids in.
enum TensorElementType: Sendable, CaseIterable {
  case int32, int64, float32, float64, uint8

  var byteCount: Int {
    switch self {
    case .int32, .float32: return 4
    case .int64, .float64: return 8
    case .uint8: return 1
    }
  }

  /// NumPy's `descr` (array-interface type string) of the type.
  var numpyDescriptor: String {
    switch self {
    case .int32: return "<i4"
    case .int64: return "<i8"
    case .float32: return "<f4"
    case .float64: return "<f8"
    case .uint8: return "|u1"
    }
  }

  /// The safetensors `dtype` name of the type (huggingface/safetensors, README "Format").
  var safetensorsName: String {
    switch self {
    case .int32: return "I32"
    case .int64: return "I64"
    case .float32: return "F32"
    case .float64: return "F64"
    case .uint8: return "U8"
    }
  }

  /// Decodes `count` consecutive elements starting at `offset` of `bytes`.
  /// - Precondition: `offset + count · byteCount ≤ bytes.count` (checked by the callers
  ///   against the file size before anything is allocated).
  func decode(_ bytes: Data, offset: Int, count: Int) -> [Double] {
    var values = [Double](repeating: 0, count: count)
    bytes.withUnsafeBytes { raw in
      let base = raw.baseAddress!.advanced(by: offset)
      for index in 0..<count {
        let pointer = base.advanced(by: index * byteCount)
        switch self {
        case .int32:
          values[index] = Double(Int32(littleEndian: pointer.loadUnaligned(as: Int32.self)))
        case .int64:
          values[index] = Double(Int64(littleEndian: pointer.loadUnaligned(as: Int64.self)))
        case .float32:
          values[index] = Double(
            Float(bitPattern: UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self))))
        case .float64:
          values[index] = Double(
            bitPattern: UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self)))
        case .uint8:
          values[index] = Double(pointer.load(as: UInt8.self))
        }
      }
    }
    return values
  }
}

/// Reads whole files for the format readers, reporting a missing file as missing input.
enum RecordedFile {
  static func bytes(_ path: String) throws -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
      throw TraceError(
        file: path, line: nil, message: "cannot read: \((error as NSError).localizedDescription)",
        isMissingInput: true)
    }
  }

  /// Calls `body` with each line of `path`, streamed (`InputText.forEachLine`); a file that
  /// cannot be read is missing input, bad bytes or an overlong line a data error, each message
  /// starting with `prefix`.
  static func forEachLine(
    _ path: String, prefix: String = "", _ body: (Int, Substring) throws -> Void
  ) throws {
    do {
      try InputText.forEachLine(path, body)
    } catch let failure as InputText.Failure {
      throw TraceError(
        file: path, line: nil, message: prefix + failure.detail,
        isMissingInput: failure.isMissingInput)
    }
  }

  static func text(_ path: String) throws -> String {
    guard let text = String(data: try bytes(path), encoding: .utf8) else {
      throw TraceError(file: path, line: nil, message: "is not UTF-8 text")
    }
    return text
  }
}
