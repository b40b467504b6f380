import Foundation
import Testing

@testable import MoESim

/// `InputText.forEachLine`, the streamed reader of traces: line ends, empty lines, lines across
/// its 1 MiB chunks, and the bytes it refuses.
@Suite struct InputTextLinesTests {
  func lines(of bytes: [UInt8]) throws -> [(Int, String)] {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("lines.txt")
    try Data(bytes).write(to: file)
    var lines: [(Int, String)] = []
    try InputText.forEachLine(file.path) { lines.append(($0, String($1))) }
    return lines
  }

  @Test func lineEndsAndEmptyLines() throws {
    let lines = try lines(of: Array("a\r\nb\n\n\r\nc\n\n\n".utf8))
    #expect(lines.map(\.0) == [1, 2, 3, 4, 5])
    #expect(lines.map(\.1) == ["a", "b", "", "", "c"])
    #expect(try self.lines(of: Array("last line without end".utf8)).map(\.1) == ["last line without end"])
    #expect(try self.lines(of: []).isEmpty)
  }

  /// Lines that start in one chunk and end two chunks later are whole, with their numbers.
  @Test func linesAcrossChunks() throws {
    let long = String(repeating: "x", count: 2_500_000)
    let lines = try lines(of: Array("head\n\(long)\nnext\n".utf8))
    #expect(lines.map(\.0) == [1, 2, 3])
    #expect(lines[1].1 == long && lines[2].1 == "next")
  }

  @Test func refusals() throws {
    #expect(throws: InputText.Failure.notUTF8(offset: 5)) {
      _ = try lines(of: Array("ok\nab".utf8) + [0xFF, 0x0A])
    }
    // The bad byte at file offset 1,500,002, in a line that began in the first chunk.
    #expect(throws: InputText.Failure.notUTF8(offset: 1_500_002)) {
      _ = try lines(of: Array("a\n".utf8) + [UInt8](repeating: 0x61, count: 1_500_000) + [0xC3])
    }
    #expect(
      throws: InputText.Failure.lineTooLong(line: 2, limit: InputText.maximumLineBytes)
    ) {
      _ = try lines(of: Array("a\n".utf8) + [UInt8](repeating: 0, count: 17 << 20))
    }
    #expect(throws: InputText.Failure.self) {
      try InputText.forEachLine("/nonexistent/moesim-lines") { _, _ in }
    }
  }
}
