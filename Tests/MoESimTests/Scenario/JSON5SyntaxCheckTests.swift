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

/// Hostile sizes are refused in time linear in the file: a 2,000,000-digit number (the fuzzer's
/// mutation that took the reader over 10 s), a 2,000,000-character string, word, comment or run
/// of spaces, and 100,000 levels of nesting each come back as a clear error within a second
/// (debug build).
@Suite struct JSON5HostileSizeTests {
  static let quickstart = "{\n  name: \"huge\",\n  seed: 1,\n  model: VALUE\n}"

  /// Parses `value` in place of the model object and returns the error text and the seconds
  /// it took.
  func refusal(of value: String) -> (message: String, seconds: Double) {
    let text = Self.quickstart.replacingOccurrences(of: "VALUE", with: value)
    let clock = ContinuousClock()
    var message = ""
    let elapsed = clock.measure {
      do {
        _ = try Scenario.parse(Data(text.utf8), file: "huge.json5")
      } catch {
        message = "\(error)"
      }
    }
    let parts = elapsed.components
    return (message, Double(parts.seconds) + Double(parts.attoseconds) * 1e-18)
  }

  @Test func aNumberOfMillionsOfDigitsIsRefusedAtItsLine() {
    let (message, seconds) = refusal(of: String(repeating: "9", count: 2_000_000))
    #expect(
      message
        == "huge.json5: not valid JSON5: line 4, column 10: a number of 2000000 characters is"
        + " longer than the 1000 allowed")
    #expect(seconds < 1, "took \(seconds) s")
  }

  @Test func aNumberAtTheLimitIsStillRead() throws {
    let digits =
      "0." + String(repeating: "0", count: JSON5SyntaxCheck.maximumNumberLength - 3)
      + "1"
    #expect(digits.count == JSON5SyntaxCheck.maximumNumberLength)
    try JSON5SyntaxCheck.check(Data("{a: \(digits)}".utf8))
    #expect(throws: JSON5SyntaxCheck.Failure.self) {
      try JSON5SyntaxCheck.check(Data("{a: -\(digits)}".utf8))
    }
  }

  @Test func aHugeStringIsRefusedAsTheWrongTypeQuickly() {
    let (message, seconds) = refusal(of: "\"" + String(repeating: "x", count: 2_000_000) + "\"")
    #expect(message.hasPrefix("huge.json5: model"), "\(message.prefix(200))")
    #expect(seconds < 1, "took \(seconds) s")
  }

  @Test(arguments: [
    ("word", "  model: " + String(repeating: "x", count: 2_000_000)),
    ("comment", "  seed: 1, // " + String(repeating: "x", count: 2_000_000)),
    ("spaces", "  seed: 1," + String(repeating: " ", count: 2_000_000) + "x: 1"),
  ])
  func megabytesOfOneTokenCostMilliseconds(kind: String, line: String) {
    let text = "{\n" + line + "\n}"
    let clock = ContinuousClock()
    var refused = false
    let elapsed = clock.measure {
      refused = (try? Scenario.parse(Data(text.utf8), file: "huge.json5")) == nil
    }
    #expect(refused, "\(kind)")
    #expect(elapsed < .seconds(1), "\(kind) took \(elapsed)")
  }

  @Test func deepNestingIsRefusedWithoutRecursingThroughIt() {
    let depth = 100_000
    let (message, seconds) = refusal(
      of: String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    #expect(
      message
        == "huge.json5: not valid JSON5: line 4, column \(9 + JSON5SyntaxCheck.maximumDepth):"
        + " nesting deeper than \(JSON5SyntaxCheck.maximumDepth) levels")
    #expect(seconds < 1, "took \(seconds) s")
  }
}
