import Foundation

/// A syntax check of JSON5 text (https://spec.json5.org) that reports the first mistake with its
/// line and column, and refuses a key written twice in one object. Foundation's decoder says only
/// "The given data was not valid JSON." and silently keeps one of two duplicate keys, which
/// hides half-edited files; this check runs before it. It validates structure only: what a
/// number or escape means is left to the decoder.
struct JSON5SyntaxCheck {
  /// The first syntax error, located.
  struct Failure: Error, Equatable, CustomStringConvertible {
    /// 1-based line and column (column counted in bytes of UTF-8).
    var line: Int
    var column: Int
    var message: String
    var description: String { "line \(line), column \(column): \(message)" }
  }

  /// Deeper nesting than this is refused (scenarios nest four levels; Foundation stops near 512).
  static let maximumDepth = 128
  /// A number literal longer than this many characters (sign included) is refused before it is
  /// read: a `Double` needs at most 17 significant digits, so 1,000 leaves room for any spelling
  /// a person writes (even `1e-300` written out in full), while a run of millions of digits
  /// would otherwise cost the decoder seconds to reject.
  static let maximumNumberLength = 1000

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  /// Throws the first syntax error of `data`, if any.
  static func check(_ data: Data) throws(Failure) {
    var checker = JSON5SyntaxCheck(bytes: [UInt8](data))
    try checker.document()
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private func failure(at position: Int, _ message: String) -> Failure {
    var line = 1
    var lineStart = 0
    for offset in 0..<min(position, bytes.count) where bytes[offset] == UInt8(ascii: "\n") {
      line += 1
      lineStart = offset + 1
    }
    return Failure(line: line, column: position - lineStart + 1, message: message)
  }

  /// The character at `position` as a message shows it.
  private func shown(_ position: Int) -> String {
    guard position < bytes.count else { return "end of file" }
    let byte = bytes[position]
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
    if byte == UInt8(ascii: " ") { return "a space" }
    return String(format: "byte 0x%02X", byte)
  }

  private mutating func document() throws(Failure) {
    // Foundation's decoder traps on some invalid UTF-8 inside keys, so it never sees any.
    if let invalid = Self.firstInvalidUTF8(bytes) {
      throw failure(at: invalid, "\(shown(invalid)) is not valid UTF-8 text")
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    try skipTrivia()
    guard current != nil else {
      throw failure(at: index, "the file is empty; expected an object { ... }")
    }
    try value()
    try skipTrivia()
    if current != nil {
      throw failure(at: index, "unexpected \(shown(index)) after the end of the document")
    }
  }

  /// The offset of the first byte that does not start a valid UTF-8 sequence, if any.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    // The standard library's validation is fast even in a debug build; the scalar-by-scalar
    // walk below, which finds where the text goes wrong, runs only when it does.
    if String(validating: bytes, as: UTF8.self) != nil { return nil }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar): offset += scalar.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// The first offset from `start` at which `continues` is false (or the end): one tight pass,
  /// so that megabytes of digits, letters, spaces or comment cost milliseconds.
  private func scan(from start: Int, while continues: (UnsafeBufferPointer<UInt8>, Int) -> Bool)
    -> Int
  {
    bytes.withUnsafeBufferPointer { text in
      var end = start
      while end < text.count && continues(text, end) { end += 1 }
      return end
    }
  }

  /// Skips whitespace and comments.
  private mutating func skipTrivia() throws(Failure) {
    while let byte = current {
      switch byte {
      case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
        index = scan(from: index) { text, at in
          let next = text[at]
          return next == 0x20 || (next >= 0x09 && next <= 0x0D)
        }
      case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0:
        index += 2  // no-break space
      case 0xE2
      where index + 2 < bytes.count && bytes[index + 1] == 0x80
        && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
        index += 3  // line and paragraph separators
      case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
        index = scan(from: index) { text, at in text[at] != 0x0A && text[at] != 0x0D }
      case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
        let start = index
        index = scan(from: index + 2) { text, at in
          !(text[at] == UInt8(ascii: "*") && at + 1 < text.count
            && text[at + 1] == UInt8(ascii: "/"))
        }
        guard index + 1 < bytes.count else {
          throw failure(at: start, "this /* comment is never closed with */")
        }
        index += 2
      default:
        return
      }
    }
  }

  private mutating func value() throws(Failure) {
    guard let byte = current else {
      throw failure(at: index, "unexpected end of file; expected a value")
    }
    switch byte {
    case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), isObject: true)
    case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), isObject: false)
    case UInt8(ascii: "\""), UInt8(ascii: "'"): _ = try string()
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
      UInt8(ascii: "."):
      try number()
    default:
      let start = index
      let word = identifier()
      if ["true", "false", "null", "Infinity", "NaN"].contains(word) { return }
      if word.isEmpty {
        throw failure(
          at: start,
          "unexpected \(shown(start)); expected a value (object, array, string, number, true,"
            + " false or null)")
      }
      throw failure(
        at: start, "unexpected word '\(ErrorText.echo(word))'; a string value needs quotes")
    }
  }

  /// An object `{ key: value, ... }` or an array `[ value, ... ]`, trailing comma allowed.
  private mutating func container(close: UInt8, isObject: Bool) throws(Failure) {
    let open = index
    // Counted only when a message needs it: counting at every container is quadratic.
    var line: Int { failure(at: open, "").line }
    depth += 1
    guard depth <= Self.maximumDepth else {
      throw failure(at: open, "nesting deeper than \(Self.maximumDepth) levels")
    }
    index += 1
    var keys: Set<String> = []
    let what = isObject ? "object" : "array"
    while true {
      try skipTrivia()
      guard current != nil else {
        throw failure(
          at: index, "unexpected end of file; the \(what) opened on line \(line) is not closed")
      }
      if current == close { break }
      var label = "the value"
      if isObject {
        let keyStart = index
        let key = try memberName()
        // `"s\u0065ed"` and `seed` are the same key.
        let plain = Self.unescaped(key)
        guard keys.insert(plain).inserted else {
          let spelled = plain == key ? "" : " (written '\(key)')"
          throw failure(
            at: keyStart,
            "key '\(plain)'\(spelled) appears twice in the object opened on line \(line)")
        }
        label = "the value of '\(key)'"
        try skipTrivia()
        guard current == UInt8(ascii: ":") else {
          throw failure(at: index, "unexpected \(shown(index)); expected ':' after key '\(key)'")
        }
        index += 1
        try skipTrivia()
      }
      try value()
      try skipTrivia()
      if current == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if current == close { break }
      let closing = Character(UnicodeScalar(close))
      throw failure(
        at: index,
        current == nil
          ? "unexpected end of file; the \(what) opened on line \(line) is not closed"
          : "unexpected \(shown(index)) after \(label); expected ',' or '\(closing)'")
    }
    index += 1
    depth -= 1
  }

  /// A key: a quoted string or an identifier.
  private mutating func memberName() throws(Failure) -> String {
    if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") { return try string() }
    let start = index
    let word = identifier()
    guard !word.isEmpty else {
      throw failure(at: start, "unexpected \(shown(start)); expected a key")
    }
    return word
  }

  /// The text a string's raw body stands for: JSON5 escapes (`\uXXXX` with surrogate pairs,
  /// `\xHH`, `\n` and the other single-letter ones, an escaped line break) resolved. An
  /// escape that does not decode is kept as written (the decoder reports it).
  static func unescaped(_ raw: String) -> String {
    guard raw.contains("\\") else { return raw }
    var result = ""
    var units: [UInt16] = []
    let scalars = Array(raw.unicodeScalars)
    var position = 0
    func flushUnits() {
      if !units.isEmpty { result += String(decoding: units, as: UTF16.self) }
      units.removeAll()
    }
    func hex(_ count: Int) -> UInt32? {
      guard position + 1 + count <= scalars.count else { return nil }
      let digits = String(String.UnicodeScalarView(scalars[(position + 1)...(position + count)]))
      return UInt32(digits, radix: 16)
    }
    while position < scalars.count {
      let scalar = scalars[position]
      guard scalar == "\\", position + 1 < scalars.count else {
        flushUnits()
        result.unicodeScalars.append(scalar)
        position += 1
        continue
      }
      position += 1
      let escaped = scalars[position]
      if escaped == "u", let code = hex(4) {
        units.append(UInt16(code))
        position += 5
        continue
      }
      flushUnits()
      if escaped == "x", let code = hex(2), let decoded = Unicode.Scalar(code) {
        result.unicodeScalars.append(decoded)
        position += 3
        continue
      }
      let simple: [Unicode.Scalar: String] = [
        "n": "\n", "t": "\t", "r": "\r", "b": "\u{8}", "f": "\u{C}", "v": "\u{B}", "0": "\0",
        "\n": "", "\r": "", "\u{2028}": "", "\u{2029}": "",
      ]
      result += simple[escaped] ?? String(escaped)
      position += 1
    }
    flushUnits()
    return result
  }

  /// Letters, digits, `_`, `$` and any non-ASCII byte (JSON5 allows Unicode identifiers).
  private mutating func identifier() -> String {
    let start = index
    index = scan(from: start) { text, at in
      let byte = text[at]
      let letter = byte | 0x20
      return byte >= 0x80 || byte == 0x5F || byte == 0x24 || (letter >= 0x61 && letter <= 0x7A)
        || (byte >= 0x30 && byte <= 0x39)
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  /// A single- or double-quoted string; returns its raw text between the quotes.
  private mutating func string() throws(Failure) -> String {
    let start = index
    let quote = bytes[index]
    let bodyStart = index + 1
    // One tight pass to the closing quote, a line break or the end (a string may be megabytes).
    let end = bytes.withUnsafeBufferPointer { text in
      var end = bodyStart
      while end < text.count {
        let byte = text[end]
        if byte == quote || byte == 0x0A || byte == 0x0D { break }
        // A backslash escapes the next character, an escaped line break included.
        end += byte == 0x5C ? 2 : 1
      }
      return end
    }
    guard end < bytes.count else { throw failure(at: start, "this string is never closed") }
    guard bytes[end] == quote else {
      throw failure(at: start, "this string has a line break before its closing quote")
    }
    index = end + 1
    return String(decoding: bytes[bodyStart..<end], as: UTF8.self)
  }

  /// A number's characters: sign, digits, `.`, exponent, hex digits, `Infinity`, `NaN`.
  private mutating func number() throws(Failure) {
    let start = index
    if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") { index += 1 }
    let body = index
    let end = numberTextEnd()
    guard end - start <= Self.maximumNumberLength else {
      throw failure(
        at: start,
        "a number of \(end - start) characters is longer than the \(Self.maximumNumberLength)"
          + " allowed")
    }
    let word = String(decoding: bytes[body..<end], as: UTF8.self)
    index = end
    if word == "Infinity" || word == "NaN" { return }
    let isHex = word.hasPrefix("0x") || word.hasPrefix("0X")
    let valid =
      isHex
      ? word.count > 2 && word.dropFirst(2).allSatisfy(\.isHexDigit)
      : Self.isDecimal(word)
    guard valid else {
      index = body
      throw failure(
        at: start,
        "malformed number '\(String(decoding: bytes[start..<body], as: UTF8.self))\(word)'")
    }
  }

  /// The end of a number's characters (digits, letters, `.`, a sign after `e`) from `index`,
  /// found in one pass without moving `index`.
  private func numberTextEnd() -> Int {
    let start = index
    return scan(from: start) { text, at in
      let byte = text[at]
      let letter = byte | 0x20
      return (byte >= 0x30 && byte <= 0x39) || (letter >= 0x61 && letter <= 0x7A) || byte == 0x2E
        || ((byte == 0x2B || byte == 0x2D) && at > start && (text[at - 1] | 0x20) == 0x65)
    }
  }

  /// `digits [. digits] [e [+-] digits]`, where either side of the point may be empty.
  static func isDecimal(_ text: String) -> Bool {
    var mantissa = Substring(text)
    var exponent: Substring?
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      var rest = text[text.index(after: e)...]
      if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
      exponent = rest
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    else { return false }
    guard parts.contains(where: { !$0.isEmpty }) else { return false }
    if let exponent {
      return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }
    return true
  }
}
