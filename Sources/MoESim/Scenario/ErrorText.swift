/// Keeps error messages to one readable line whatever the input held.
public enum ErrorText {
  /// Echoed values longer than this many characters are cut, saying how much was left out.
  public static let echoLimit = 200

  /// `value` as an error message quotes it: at most `echoLimit` characters, then
  /// `…(N more characters)`.
  public static func echo(_ value: some StringProtocol) -> String {
    let count = value.count
    guard count > echoLimit else { return String(value) }
    return String(value.prefix(echoLimit)) + "…(\(count - echoLimit) more characters)"
  }

  /// `text` on one line: line breaks, tabs and other control characters written as escapes
  /// (`\n`, `\r`, `\t`, `\u{0}`), so a message never spans lines or moves the cursor.
  public static func oneLine(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
        result += "\\u{\(String(scalar.value, radix: 16))}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
