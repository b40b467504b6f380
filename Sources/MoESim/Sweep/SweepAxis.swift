import Foundation

/// One `--vary key.path=v1,v2,...` (or `--zip`) argument of `moesim sweep`, or one column of a
/// `--points` file: a scenario key and the values it takes, each value exactly as
/// `--set key.path=value` would take it, except that an object value is merged into the
/// scenario's object key by key (see `overrides(_:)`).
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
  /// Where the axis came from, as errors name it: `--vary key=...`, `--zip key=...` or
  /// `--points file.csv column key`.
  public var source: String

  /// Most values one axis may expand to; a larger grid is almost certainly a typo.
  public static let maximumValues = 10_000

  /// Parses `key.path=v1,v2,...`; every value is checked as a `--set` value would be.
  /// - Throws: `ScenarioError` (a usage error) naming the `--vary` argument and what is allowed.
  /// - Parameter option: the option that carried the argument, `--vary` or `--zip`.
  public init(parsing argument: String, option: String = "--vary") throws {
    self.argument = argument
    self.source = "\(option) \(argument)"
    let source = self.source
    guard let equals = argument.firstIndex(of: "=") else {
      throw Self.error(
        source, path: argument, value: "'\(argument)'", allowed: "key.path=v1,v2,...")
    }
    path = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
    let list = String(argument[argument.index(after: equals)...])
    var values: [String] = []
    for item in Self.splitTopLevel(list) {
      let text = item.trimmingCharacters(in: .whitespaces)
      guard !text.isEmpty else {
        throw Self.error(
          source, path: path, value: "'\(list)'",
          allowed: "a comma-separated list of values"
            + " with no empty item")
      }
      values += try Self.expand(text, source: source, path: path)
      guard values.count <= Self.maximumValues else {
        throw Self.error(
          source, path: path, value: "'\(list)'", allowed: "at most \(Self.maximumValues) values")
      }
    }
    self.values = values
    // The path and every value go through the same parser as `--set`.
    for value in values { _ = try overrides(value) }
  }

  /// An axis of given values (a `--points` column), each checked as a `--set` value would be.
  public init(path: String, values: [String], source: String) throws {
    self.path = path
    self.values = values
    self.argument = path
    self.source = source
    for value in values { _ = try overrides(value) }
  }

  /// The `--set`-style overrides that give the key `value`. An object value is merged into
  /// the object already there, key by key and recursively (one override per leaf, so keys the
  /// value does not name, such as `first_dense_layers` under `model.moe`, are kept); a leaf
  /// set to `null` is removed, so its default applies. Every other value replaces the key.
  public func overrides(_ value: String) throws -> [ScenarioOverride] {
    let whole: ScenarioOverride
    do {
      whole = try ScenarioOverride(parsing: "\(path)=\(value)")
    } catch var error as ScenarioError {
      error.file = source
      throw error
    }
    return Self.leaves(of: whole.value, at: path).map { leafPath, leafValue in
      var leaf = whole
      leaf.path = leafPath
      leaf.value = leafValue
      return leaf
    }
  }

  /// The leaves of `value` with their dotted paths under `path`: an object is walked (so `{}`
  /// has none and changes nothing), anything else is a leaf.
  static func leaves(of value: JSONValue, at path: String) -> [(String, JSONValue)] {
    guard case .object(let fields) = value else { return [(path, value)] }
    return fields.keys.sorted().flatMap { key in
      leaves(of: fields[key] ?? .null, at: path + "." + key)
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
  static func expand(_ text: String, source: String, path: String) throws -> [String] {
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
      throw error(source, path: path, value: "'\(text)'", allowed: allowed)
    }
    var values: [String] = []
    var value = start
    while value <= end {
      values.append(String(value))
      guard values.count <= maximumValues else {
        throw error(
          source, path: path, value: "'\(text)'", allowed: "at most \(maximumValues) values")
      }
      let (next, overflow) =
        multiply ? value.multipliedReportingOverflow(by: step) : value.addingReportingOverflow(step)
      if overflow { break }
      value = next
    }
    return values
  }

  /// A usage error whose file is `source` (e.g. `--vary model.moe.top_k=1,99`).
  static func error(_ source: String, path: String, value: String, allowed: String)
    -> ScenarioError
  {
    ScenarioError(
      file: source, path: path, kind: .outOfRange(value: value, allowed: allowed),
      isUsageError: true)
  }
}
