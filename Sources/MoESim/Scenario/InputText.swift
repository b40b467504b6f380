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
    /// A line runs past `limit` bytes (`forEachLine`).
    case lineTooLong(line: Int, limit: Int)

    /// One phrase for an error message.
    public var detail: String {
      switch self {
      case .unreadable(let reason): return "cannot be read: \(reason)"
      case .notUTF8(let offset): return "is not UTF-8 text (invalid byte at offset \(offset))"
      case .lineTooLong(let line, let limit):
        return "has a line \(line) longer than \(limit >> 20) MiB (no row of a table is that long)"
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
    let descriptor = try openForReading(path)
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = try readChunk(descriptor, into: &chunk)
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .notUTF8(offset: firstInvalidUTF8Offset(bytes))
    }
    return text
  }

  /// Longest line `forEachLine` accepts: a logits row of 65,536 experts at 17 characters a
  /// number is 1.1 MB, so anything beyond this is not a row.
  public static let maximumLineBytes = 16 << 20

  /// Calls `body` with each line of `path` — its 1-based number and its text without the line
  /// end (`\n` or `\r\n`) — reading the file in 1 MiB chunks, so that it is never held whole
  /// (FIFOs and process substitution work too). Trailing empty lines are dropped. A line that
  /// is not UTF-8 is refused as `notUTF8` with the file offset of its first bad byte, and one
  /// longer than `maximumLineBytes` as `lineTooLong`, before it is read further.
  public static func forEachLine(_ path: String, _ body: (Int, Substring) throws -> Void) throws {
    let descriptor = try openForReading(path)
    defer { close(descriptor) }
    var number = 0
    // Empty lines not yet passed on: only those followed by a non-empty line are.
    var emptyLines = 0
    func emit(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws {
      number += 1
      var line = bytes
      if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
      guard !line.isEmpty else {
        emptyLines += 1
        return
      }
      guard let text = String(validating: line, as: UTF8.self) else {
        throw Failure.notUTF8(offset: offset + firstInvalidUTF8Offset(Array(line)))
      }
      for empty in number - emptyLines..<number { try body(empty, "") }
      emptyLines = 0
      try body(number, text[...])
    }
    // The start of a line that runs past the chunk, and its file offset.
    var partial: [UInt8] = []
    var partialOffset = 0
    var chunkOffset = 0
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = try readChunk(descriptor, into: &chunk)
      if count == 0 { break }
      try chunk.withUnsafeBufferPointer { buffer in
        let base = buffer.baseAddress!
        var lineStart = 0
        while lineStart < count,
          let found = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), count - lineStart)
        {
          let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
          let piece = UnsafeBufferPointer(rebasing: buffer[lineStart..<end])
          if partial.isEmpty {
            try emit(piece, at: chunkOffset + lineStart)
          } else {
            partial.append(contentsOf: piece)
            try partial.withUnsafeBufferPointer { try emit($0, at: partialOffset) }
            partial.removeAll(keepingCapacity: false)
          }
          lineStart = end + 1
        }
        if lineStart < count {
          if partial.isEmpty { partialOffset = chunkOffset + lineStart }
          partial.append(contentsOf: buffer[lineStart..<count])
        }
      }
      guard partial.count <= maximumLineBytes else {
        throw Failure.lineTooLong(line: number + 1, limit: maximumLineBytes)
      }
      chunkOffset += count
    }
    if !partial.isEmpty { try partial.withUnsafeBufferPointer { try emit($0, at: partialOffset) } }
  }

  /// A descriptor for reading `path`; one that cannot be opened is `unreadable`, with the
  /// system's reason.
  private static func openForReading(_ path: String) throws(Failure) -> Int32 {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
    return descriptor
  }

  /// Reads up to `chunk.count` bytes of `descriptor` into `chunk`, retrying when a signal
  /// interrupts: the bytes read, 0 at the end. A folder or a failed read is `unreadable`.
  private static func readChunk(_ descriptor: Int32, into chunk: inout [UInt8]) throws(Failure)
    -> Int
  {
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw .unreadable(
        errno == EISDIR ? "is a folder, not a file" : String(cString: strerror(errno)))
    }
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
