import Foundation

/// JSON Lines files (one JSON object per line, blank lines skipped), as the Megatron hook and
/// moe-balance write them.
enum JSONLines {
  /// Every non-blank line of `path` as an object with keys from `keys`, with its 1-based line
  /// number; a line that is not JSON, not an object or has another key is refused naming it.
  /// The file is streamed line by line (`RecordedFile.forEachLine`), each line checked as read.
  static func objects(path: String, keys: [String]) throws -> [(
    line: Int, fields: [String: JSONValue]
  )] {
    var objects: [(line: Int, fields: [String: JSONValue])] = []
    try RecordedFile.forEachLine(path) { number, line in
      guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
      func fail(_ message: String) -> TraceError {
        TraceError(file: path, line: number, message: message)
      }
      let value: JSONValue
      do {
        value = try JSONValue.parseJSON5(Data(line.utf8))
      } catch {
        throw fail("not valid JSON: \(jsonProblem(error))")
      }
      guard case .object(let fields) = value else { throw fail("the line is not a JSON object") }
      if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
        throw fail(
          "\(ErrorText.echo(unknown)) is not a known key; allowed \(keys.joined(separator: ", "))")
      }
      objects.append((number, fields))
    }
    return objects
  }
}
