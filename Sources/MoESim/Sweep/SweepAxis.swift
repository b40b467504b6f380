import Foundation

/// One `--vary key.path=v1,v2,...` argument of `moesim sweep`: a scenario key and the values it
/// takes, each value exactly as `--set key.path=value` would take it.
///
/// Values are separated by commas outside brackets, braces and quotes (so `[1,2],[3]` is two
/// values). An integer range expands in place: `a..b*m` gives a, a·m, a·m², … up to b
/// (`8..256*2` → 8, 16, 32, 64, 128, 256); `a..b+s` gives a, a+s, … up to b; `a..b` steps by 1.
public struct SweepAxis: Sendable, Equatable {
  /// Dotted key path, e.g. `model.moe.experts`.
  public var path: String
  /// The values as JSON5 text, in the order given.
  public var values: [String]
  /// The argument as the user wrote it, quoted back in errors.
  public var argument: String

  /// Most values one axis may expand to; a larger grid is almost certainly a typo.
  public static let maximumValues = 10_000

  /// Parses `key.path=v1,v2,...`; every value is checked as a `--set` value would be.
  /// - Throws: `ScenarioError` (a usage error) naming the `--vary` argument and what is allowed.
  public init(parsing argument: String) throws {
    self.argument = argument
    guard let equals = argument.firstIndex(of: "=") else {
      throw Self.error(
        argument, path: argument, value: "'\(argument)'", allowed: "key.path=v1,v2,...")
    }
    path = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
    let list = String(argument[argument.index(after: equals)...])
    var values: [String] = []
    for item in Self.splitTopLevel(list) {
      let text = item.trimmingCharacters(in: .whitespaces)
      guard !text.isEmpty else {
        throw Self.error(
          argument, path: path, value: "'\(list)'",
          allowed: "a comma-separated list of values"
            + " with no empty item")
      }
      values += try Self.expand(text, argument: argument, path: path)
      guard values.count <= Self.maximumValues else {
        throw Self.error(
          argument, path: path, value: "'\(list)'", allowed: "at most \(Self.maximumValues) values")
      }
    }
    self.values = values
    // The path and every value go through the same parser as `--set`.
    for value in values { _ = try override(value) }
  }

  /// The `--set`-style override that gives the key `value`.
  public func override(_ value: String) throws -> ScenarioOverride {
    do {
      return try ScenarioOverride(parsing: "\(path)=\(value)")
    } catch var error as ScenarioError {
      error.file = "--vary \(argument)"
      throw error
    }
  }

  /// Splits at commas that are not inside `[]`, `{}` or a quoted string.
  static func splitTopLevel(_ text: String) -> [String] {
    var items: [String] = []
    var current = ""
    var depth = 0
    var quote: Character?
    var escaped = false
    for character in text {
      if let open = quote {
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == open {
          quote = nil
        }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "[" || character == "{" {
        depth += 1
      } else if character == "]" || character == "}" {
        depth -= 1
      } else if character == "," && depth == 0 {
        items.append(current)
        current = ""
        continue
      }
      current.append(character)
    }
    items.append(current)
    return items
  }

  /// `text` itself, or the integers of the range it spells.
  static func expand(_ text: String, argument: String, path: String) throws -> [String] {
    guard let dots = text.range(of: "..") else { return [text] }
    let startText = String(text[..<dots.lowerBound])
    var rest = String(text[dots.upperBound...])
    var multiply = false
    var stepText = "1"
    if let operatorIndex = rest.firstIndex(where: { $0 == "*" || $0 == "+" }) {
      multiply = rest[operatorIndex] == "*"
      stepText = String(rest[rest.index(after: operatorIndex)...])
      rest = String(rest[..<operatorIndex])
    }
    let allowed =
      "an integer range a..b*m (a > 0, m ≥ 2) or a..b+s (s ≥ 1) with a ≤ b, e.g. 8..256*2"
    guard let start = Int(startText), let end = Int(rest), let step = Int(stepText), start <= end,
      multiply ? (start > 0 && step >= 2) : step >= 1
    else {
      throw error(argument, path: path, value: "'\(text)'", allowed: allowed)
    }
    var values: [String] = []
    var value = start
    while value <= end {
      values.append(String(value))
      guard values.count <= maximumValues else {
        throw error(
          argument, path: path, value: "'\(text)'", allowed: "at most \(maximumValues) values")
      }
      let (next, overflow) =
        multiply ? value.multipliedReportingOverflow(by: step) : value.addingReportingOverflow(step)
      if overflow { break }
      value = next
    }
    return values
  }

  static func error(_ argument: String, path: String, value: String, allowed: String)
    -> ScenarioError
  {
    ScenarioError(
      file: "--vary \(argument)", path: path, kind: .outOfRange(value: value, allowed: allowed),
      isUsageError: true)
  }
}
