import Foundation

/// Reads one JSON object of a scenario, key by key, with the key path of every value, so that each
/// error names file, path, value and what is allowed. Keys outside the object's declared `keys`
/// are refused before anything else is read (a misspelt key would otherwise show up first as a
/// missing one), with the closest valid key suggested.
struct ScenarioReader {
  let file: String
  let path: String
  private let fields: [String: JSONValue]
  private let keys: [String]

  /// Runs `body` on the object at `path`, whose valid keys are `keys`.
  static func read<T>(
    _ value: JSONValue, file: String, path: String, keys: [String],
    _ body: (inout ScenarioReader) throws -> T
  ) throws -> T {
    guard case .object(let fields) = value else {
      throw ScenarioError(
        file: file, path: path,
        kind: .wrongType(value: value.rendered, expected: "an object { ... }"))
    }
    var reader = ScenarioReader(file: file, path: path, fields: fields, keys: keys)
    try reader.rejectUnknownKeys()
    return try body(&reader)
  }

  private init(file: String, path: String, fields: [String: JSONValue], keys: [String]) {
    self.file = file
    self.path = path
    self.fields = fields
    self.keys = keys
  }

  /// The dotted path of `key` inside this object.
  func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func error(_ key: String, _ kind: ScenarioError.Kind) -> ScenarioError {
    ScenarioError(file: file, path: path(of: key), kind: kind)
  }

  /// The raw value of `key`, treating an explicit `null` as absent.
  func raw(_ key: String) -> JSONValue? {
    assert(keys.contains(key), "\(key) is read but not declared among the keys of \(path)")
    guard let value = fields[key], value != .null else { return nil }
    return value
  }

  func required<T>(_ key: String, _ value: T?) throws -> T {
    guard let value else { throw error(key, .missingKey(reason: nil)) }
    return value
  }

  /// An integer in `range`; integral floating-point spellings such as `1e6` are accepted.
  func optionalInt(_ key: String, in range: ClosedRange<Int>, allowed: String? = nil)
    throws -> Int?
  {
    guard let value = raw(key) else { return nil }
    let allowedText = allowed ?? Self.describe(range)
    // "an integer ≥ 1" for open ranges, "an integer in 1...8" for closed ones.
    let integerText =
      range.upperBound == Int.max && allowed == nil
      ? "an integer \(allowedText)" : "an integer in \(allowedText)"
    guard let integer = value.integralValue else {
      if case .number = value {
        throw error(key, .outOfRange(value: value.rendered, allowed: integerText))
      }
      throw error(key, .wrongType(value: value.rendered, expected: integerText))
    }
    guard range.contains(integer) else {
      throw error(key, .outOfRange(value: value.rendered, allowed: allowedText))
    }
    return integer
  }

  func int(
    _ key: String, default defaultValue: Int? = nil, in range: ClosedRange<Int>,
    allowed: String? = nil
  ) throws -> Int {
    try required(key, try optionalInt(key, in: range, allowed: allowed) ?? defaultValue)
  }

  /// A finite number accepted by `isAllowed`, whose rule `allowed` is quoted in errors.
  func optionalDouble(
    _ key: String, allowed: String, where isAllowed: (Double) -> Bool
  ) throws -> Double? {
    guard let value = raw(key) else { return nil }
    return try value.finiteNumber(allowed: allowed, where: isAllowed) { error(key, $0) }
  }

  func double(
    _ key: String, default defaultValue: Double? = nil, allowed: String,
    where isAllowed: (Double) -> Bool
  ) throws -> Double {
    try required(key, try optionalDouble(key, allowed: allowed, where: isAllowed) ?? defaultValue)
  }

  func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
    guard let value = raw(key) else { return defaultValue }
    guard case .bool(let flag) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "true or false"))
    }
    return flag
  }

  func optionalString(_ key: String, nonEmpty: Bool = true) throws -> String? {
    guard let value = raw(key) else { return nil }
    guard case .string(let text) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "a string"))
    }
    if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty {
      throw error(key, .outOfRange(value: value.rendered, allowed: "a non-empty string"))
    }
    return text
  }

  /// One of the raw values of `Choice`, e.g. a router kind.
  func choice<Choice: RawRepresentable & CaseIterable>(
    _ key: String, default defaultValue: Choice? = nil
  ) throws -> Choice where Choice.RawValue == String {
    let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    guard let value = raw(key) else { return try required(key, defaultValue) }
    guard case .string(let text) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "one of \(names)"))
    }
    guard let choice = Choice(rawValue: text) else {
      throw error(key, .outOfRange(value: value.rendered, allowed: "one of \(names)"))
    }
    return choice
  }

  /// The nested object at `key` read by `body`, or nil when absent.
  func optionalObject<T>(
    _ key: String, keys: [String], _ body: (inout ScenarioReader) throws -> T
  ) throws -> T? {
    guard let value = raw(key) else { return nil }
    return try Self.read(value, file: file, path: path(of: key), keys: keys, body)
  }

  /// The nested object at `key`; an absent object is read as `{}` so its defaults apply.
  func object<T>(
    _ key: String, keys: [String], _ body: (inout ScenarioReader) throws -> T
  ) throws -> T {
    let value = raw(key) ?? .object([:])
    return try Self.read(value, file: file, path: path(of: key), keys: keys, body)
  }

  /// The array at `key` with each element read by `body` under the path `key[i]`.
  func optionalArray<T>(
    _ key: String, _ body: (JSONValue, _ elementPath: String) throws -> T
  ) throws -> [T]? {
    guard let value = raw(key) else { return nil }
    guard case .array(let elements) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "an array [ ... ]"))
    }
    return try elements.enumerated().map { index, element in
      try body(element, "\(path(of: key))[\(index)]")
    }
  }

  private func rejectUnknownKeys() throws {
    for key in fields.keys.sorted() where !keys.contains(key) {
      throw error(
        key, .unknownKey(suggestion: Self.closest(to: key, among: keys), allowed: keys.sorted()))
    }
  }

  static func describe(_ range: ClosedRange<Int>) -> String {
    if range.upperBound == Int.max { return "≥ \(range.lowerBound)" }
    return "\(range.lowerBound)...\(range.upperBound)"
  }

  /// The candidate with the smallest edit distance, if it is close enough to be a likely typo.
  static func closest(to key: String, among candidates: [String]) -> String? {
    if let extended = candidates.first(where: { $0.hasPrefix(key) || key.hasPrefix($0) }) {
      return extended
    }
    let scored = candidates.map { ($0, editDistance(key, $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, key.count / 3) ? best.0 : nil
  }

  /// Levenshtein distance between two strings.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
  }
}
