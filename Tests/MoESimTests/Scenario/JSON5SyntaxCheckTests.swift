import Foundation
import Testing

@testable import MoESim

@Suite struct JSON5SyntaxCheckTests {
  /// Every construct of the JSON5 grammar (spec.json5.org, sections 2–6) passes the check and
  /// Foundation's decoder alike, so the check never refuses what the decoder accepts.
  @Test(arguments: [
    "{}", "{a: 1,}", "{'single': 'quotes', \"double\": \"quotes\"}", "{a: [1, 2, 3,],}",
    "{a: 0x1F, b: +1, c: -.5, d: 5., e: 1e-3, f: 2E+2, g: Infinity, h: -Infinity, i: NaN}",
    "{a: 'line \\\ncontinued', b: \"esc \\\" \\u0041 \\x41\"}", "// comment\n{a: /* inline */ 1}",
    "{$key_1: true, _x: false, y: null}", "\u{FEFF}{a: 1}", "{a: \"ünïcödé\", ключ: 1}",
    "{a: '/* not a comment */'}",
  ])
  func acceptsValidJSON5(text: String) throws {
    try JSON5SyntaxCheck.check(Data(text.utf8))
    _ = try JSONValue.parseJSON5(Data(text.utf8))
  }

  @Test func locatesTheFirstErrorByLineAndColumn() {
    // Line 3 is `  b 2`; the space after `b` is column 4 and the `2` column 5.
    let text = "{\n  a: 1,\n  b 2\n}"
    #expect(
      throws: JSON5SyntaxCheck.Failure(
        line: 3, column: 5, message: "unexpected '2'; expected ':' after key 'b'")
    ) {
      try JSON5SyntaxCheck.check(Data(text.utf8))
    }
  }

  @Test func refusesDuplicateKeysThatTheDecoderWouldMerge() throws {
    let text = "{a: 1, b: {a: 2}, a: 3}"
    // Nested objects have their own keys: only the second top-level `a` (column 19) is refused.
    #expect(
      throws: JSON5SyntaxCheck.Failure(
        line: 1, column: 19, message: "key 'a' appears twice in the object opened on line 1")
    ) {
      try JSON5SyntaxCheck.check(Data(text.utf8))
    }
  }

  @Test func keysAreComparedAfterTheirEscapes() throws {
    #expect(JSON5SyntaxCheck.unescaped(#"s\u0065ed"#) == "seed")
    #expect(JSON5SyntaxCheck.unescaped(#"\x41\t\'"#) == "A\t'")
    #expect(JSON5SyntaxCheck.unescaped(#"\uD83D\uDE00"#) == "😀")
    #expect(JSON5SyntaxCheck.unescaped("a\\\nb") == "ab", "an escaped line break is nothing")
    #expect(JSON5SyntaxCheck.unescaped(#"plain"#) == "plain")
    #expect(throws: JSON5SyntaxCheck.Failure.self) {
      try JSON5SyntaxCheck.check(Data(#"{"\x61": 1, 'a': 2}"#.utf8))
    }
    // Different keys stay different.
    try JSON5SyntaxCheck.check(Data(#"{"\u0061": 1, "\u0062": 2}"#.utf8))
  }
}
