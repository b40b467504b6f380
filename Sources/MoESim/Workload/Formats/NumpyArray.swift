import Foundation

/// NumPy's `.npy` file (numpy/numpy, `numpy/lib/format.py`, "Format Version 1.0" to "3.0"): the
/// magic `\x93NUMPY`, a major and a minor version byte, the header length (2 bytes little-endian
/// in version 1, 4 bytes in versions 2 and 3), then the header, a Python dict literal such as
/// `{'descr': '<i8', 'fortran_order': False, 'shape': (2, 16), }` padded with spaces and ended
/// by a newline (ASCII in versions 1 and 2, UTF-8 in 3), then the raw elements.
///
/// Accepted: `descr` `<i4`, `<i8`, `<f4`, `<f8`, `|u1` (little-endian), C order. Refused, with a
/// one-line message naming the file: another type or byte order, `fortran_order: True`, a shape
/// whose element count overflows or disagrees with the bytes after the header, a header that
/// claims more bytes than the file has. Nothing is allocated from a header's claim before it is
/// checked against the file's size.
public enum NumpyArray {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads the `.npy` file at `path`.
  public static func read(path: String) throws -> RecordedTensor {
    try decode(RecordedFile.bytes(path), file: path)
  }

  /// Decodes `.npy` bytes; `file` names them in errors.
  public static func decode(_ bytes: Data, file: String) throws -> RecordedTensor {
    func fail(_ message: String) -> TraceError {
      TraceError(file: file, line: nil, message: "not a readable .npy array: \(message)")
    }
    let start = bytes.startIndex
    guard bytes.count >= 10, Array(bytes[start..<start + 6]) == magic else {
      throw fail("the file does not start with the magic \\x93NUMPY")
    }
    let major = Int(bytes[start + 6])
    guard (1...3).contains(major) else {
      throw fail("format version \(major).\(bytes[start + 7]); allowed 1.0, 2.0, 3.0")
    }
    let lengthBytes = major == 1 ? 2 : 4
    guard bytes.count >= 8 + lengthBytes else {
      throw fail("the file ends inside the header length")
    }
    var headerLength = 0
    for index in 0..<lengthBytes {
      headerLength |= Int(bytes[start + 8 + index]) << (8 * index)
    }
    let dataStart = 8 + lengthBytes + headerLength
    guard dataStart <= bytes.count else {
      throw fail(
        "the header claims \(headerLength) bytes but the file has only "
          + "\(bytes.count - 8 - lengthBytes) after the header length")
    }
    let headerBytes = bytes[(start + 8 + lengthBytes)..<(start + dataStart)]
    guard let header = String(data: headerBytes, encoding: major == 3 ? .utf8 : .ascii) else {
      throw fail("the header is not \(major == 3 ? "UTF-8" : "ASCII") text")
    }
    let fields: NumpyHeader
    do {
      fields = try NumpyHeader(parsing: header)
    } catch {
      let message = (error as? NumpyHeader.ParseError)?.message ?? "\(error)"
      throw fail("header \(header.trimmingCharacters(in: .whitespacesAndNewlines)): \(message)")
    }
    guard !fields.fortranOrder else {
      throw fail(
        "fortran_order is True; only C-order arrays are read (save with np.ascontiguousarray)")
    }
    guard let type = TensorElementType.allCases.first(where: { $0.numpyDescriptor == fields.descr })
    else {
      let allowed = TensorElementType.allCases.map(\.numpyDescriptor).joined(separator: ", ")
      let hint = fields.descr.hasPrefix(">") ? " (big-endian; save with .astype('<...'))" : ""
      throw fail("descr '\(fields.descr)' is not one of \(allowed)\(hint)")
    }
    let dataBytes = bytes.count - dataStart
    guard let count = RecordedTensor.elementCount(fields.shape),
      case (let needed, false) = count.multipliedReportingOverflow(by: type.byteCount)
    else {
      throw fail(
        "shape \(RecordedTensor.describe(fields.shape)) has more elements than fit in memory")
    }
    guard needed == dataBytes else {
      let problem = needed > dataBytes ? "truncated" : "longer than its shape"
      throw fail(
        "data \(problem): shape \(RecordedTensor.describe(fields.shape)) of '\(fields.descr)' "
          + "needs \(needed) bytes, the file has \(dataBytes) after the header")
    }
    return RecordedTensor(
      shape: fields.shape, values: type.decode(bytes, offset: start + dataStart, count: count))
  }
}

/// The three keys of a `.npy` header, parsed from its Python dict literal (strings in single or
/// double quotes, `True`/`False`, tuples of non-negative integers).
struct NumpyHeader {
  struct ParseError: Error { var message: String }

  var descr: String
  var fortranOrder: Bool
  var shape: [Int]

  private enum Token: Equatable {
    case symbol(Character)
    case string(String)
    case word(String)
  }

  init(parsing text: String) throws {
    var tokens = try Self.tokens(text)[...]
    func next() throws -> Token {
      guard let token = tokens.popFirst() else { throw ParseError(message: "ends early") }
      return token
    }
    func expect(_ symbol: Character) throws {
      guard try next() == .symbol(symbol) else {
        throw ParseError(message: "expected '\(symbol)'")
      }
    }
    try expect("{")
    var descr: String?
    var fortranOrder: Bool?
    var shape: [Int]?
    while tokens.first != .symbol("}") {
      guard case .string(let key) = try next() else {
        throw ParseError(message: "expected a quoted key")
      }
      try expect(":")
      switch key {
      case "descr":
        guard case .string(let value) = try next() else {
          throw ParseError(message: "descr is not a string (structured dtypes are not read)")
        }
        descr = value
      case "fortran_order":
        switch try next() {
        case .word("True"): fortranOrder = true
        case .word("False"): fortranOrder = false
        default: throw ParseError(message: "fortran_order is neither True nor False")
        }
      case "shape":
        try expect("(")
        var lengths: [Int] = []
        while tokens.first != .symbol(")") {
          guard case .word(let word) = try next(), let length = Int(word), length >= 0 else {
            throw ParseError(message: "shape holds something other than integers ≥ 0")
          }
          lengths.append(length)
          if tokens.first == .symbol(",") { _ = try next() }
        }
        try expect(")")
        shape = lengths
      default:
        throw ParseError(message: "unknown key '\(key)'; allowed descr, fortran_order, shape")
      }
      if tokens.first == .symbol(",") { _ = try next() }
    }
    try expect("}")
    guard let descr, let fortranOrder, let shape else {
      throw ParseError(message: "descr, fortran_order and shape are all required")
    }
    self.descr = descr
    self.fortranOrder = fortranOrder
    self.shape = shape
  }

  private static func tokens(_ text: String) throws -> [Token] {
    var tokens: [Token] = []
    var characters = text[...]
    while let character = characters.first {
      if character.isWhitespace {
        characters.removeFirst()
      } else if "{}:,()".contains(character) {
        tokens.append(.symbol(character))
        characters.removeFirst()
      } else if character == "'" || character == "\"" {
        characters.removeFirst()
        guard let end = characters.firstIndex(of: character) else {
          throw ParseError(message: "a string is not closed")
        }
        tokens.append(.string(String(characters[..<end])))
        characters = characters[characters.index(after: end)...]
      } else if character.isLetter || character.isNumber {
        let word = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        tokens.append(.word(String(word)))
        characters = characters.dropFirst(word.count)
      } else {
        throw ParseError(message: "unexpected character '\(character)'")
      }
    }
    return tokens
  }
}
