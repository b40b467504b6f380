import Foundation

/// A short, readable label for a varied key's value (JSON5 text as written in `sweep.csv`),
/// for a sweep chart's x ticks and legend.
///
/// An object value `{experts:8,top_k:2}` reads `experts=8 top_k=2` (its fields in the order
/// written, quotes around keys and strings dropped); any other value is its text. A label
/// longer than `maximumCharacters` is cut and ends with `…`; the exact value stays in
/// `sweep.csv`.
enum SweepValueLabel {
  /// Longest label in characters: about the room a tick has when a sweep has 8 points.
  static let maximumCharacters = 24

  static func label(_ text: String, maximumCharacters: Int = maximumCharacters) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    var label = trimmed
    if trimmed.hasPrefix("{") && trimmed.hasSuffix("}") && trimmed.count >= 2 {
      let body = String(trimmed.dropFirst().dropLast())
      label = SweepAxis.splitTopLevel(body).compactMap(field).joined(separator: " ")
      if label.isEmpty { label = trimmed }
    }
    guard label.count > maximumCharacters else { return label }
    return String(label.prefix(max(1, maximumCharacters - 1))) + "…"
  }

  /// `key: value` as `key=value`, or nil for an empty item (a trailing comma).
  private static func field(_ item: String) -> String? {
    let item = item.trimmingCharacters(in: .whitespaces)
    guard !item.isEmpty else { return nil }
    guard let colon = item.firstIndex(of: ":") else { return unquoted(item) }
    let key = unquoted(String(item[..<colon]).trimmingCharacters(in: .whitespaces))
    let value = String(item[item.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
    return key + "=" + unquoted(value)
  }

  private static func unquoted(_ text: String) -> String {
    guard text.count >= 2, let first = text.first, first == "\"" || first == "'",
      text.last == first
    else { return text }
    return String(text.dropFirst().dropLast())
  }
}
