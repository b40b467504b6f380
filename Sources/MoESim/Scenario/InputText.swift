import Foundation

/// Reads a text input file (a trace, a LOADS table, a sweep table) whole, telling apart what
/// the user must fix: a path that is not there (exit 66) from bytes that are not UTF-8 text
/// (exit 65). FIFOs, `/dev/stdin` and process substitution are read like files.
public enum InputText {
  /// Why a file could not be read as text.
  public enum Failure: Error, Sendable, Equatable {
    /// Nothing readable at the path: missing, a folder, no permission; the system's reason.
    case unreadable(String)
    /// The bytes are not UTF-8; the offset of the first bad byte.
    case notUTF8(offset: Int)

    /// One phrase for an error message.
    public var detail: String {
      switch self {
      case .unreadable(let reason): return "cannot be read: \(reason)"
      case .notUTF8(let offset): return "is not UTF-8 text (invalid byte at offset \(offset))"
      }
    }

    /// Whether the input is missing (66) rather than bad (65).
    public var isMissingInput: Bool {
      if case .unreadable = self { return true }
      return false
    }
  }

  /// Checks, without reading it, that `path` names something readable that is not a folder
  /// (`moesim validate` checks a scenario's trace this way: present, not parsed).
  public static func checkReadable(_ path: String) throws(Failure) {
    var status = stat()
    guard stat(path, &status) == 0, access(path, R_OK) == 0 else {
      throw .unreadable(String(cString: strerror(errno)))
    }
    guard status.st_mode & S_IFMT != S_IFDIR else { throw .unreadable("is a folder, not a file") }
  }

  /// The contents of `path` as a string.
  public static func contents(_ path: String) throws(Failure) -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else {
        let reason = errno == EISDIR ? "is a folder, not a file" : String(cString: strerror(errno))
        throw .unreadable(reason)
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .notUTF8(offset: firstInvalidUTF8Offset(bytes))
    }
    return text
  }

  /// The offset of the first byte that does not belong to a valid UTF-8 sequence.
  static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
    var offset = 0
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput, .error: return offset
      }
    }
  }
}

/// Splits CSV text into lines at `\n` and `\r\n` alike (Swift reads `"\r\n"` as one Character,
/// so splitting on `"\n"` alone misses every CRLF line end).
public enum TextLines {
  /// The lines of `text` without their line ends; trailing empty lines are dropped.
  public static func split(_ text: String) -> [Substring] {
    var lines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
    ).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines
  }
}
