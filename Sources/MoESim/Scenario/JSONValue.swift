import Foundation

/// A decoded JSON5 document as a plain tree, so that `--set` overrides can be applied and every
/// key can be checked before the typed scenario is built.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number written without a fraction or exponent that fits in `Int`.
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Parses JSON5 text (comments, trailing commas, unquoted keys) with Foundation's decoder.
  public static func parseJSON5(_ data: Data) throws -> JSONValue {
    let decoder = JSONDecoder()
    decoder.allowsJSON5 = true
    return try decoder.decode(JSONValue.self, from: data)
  }

  /// The value written back as compact JSON5-compatible text, for error messages.
  public var rendered: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .integer(let value): return String(value)
    case .number(let value): return Self.render(value)
    case .string(let value): return "\"\(value)\""
    case .array(let values): return "[" + values.map(\.rendered).joined(separator: ", ") + "]"
    case .object(let fields):
      let body = fields.keys.sorted().map { "\($0): \(fields[$0]!.rendered)" }
      return "{" + body.joined(separator: ", ") + "}"
    }
  }

  /// A short name of the value's JSON type, for "expected a number, found a string" messages.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .integer, .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// The value as a number, when it is one (an integer or not).
  var numericValue: Double? {
    switch self {
    case .integer(let exact): return Double(exact)
    case .number(let number): return number
    default: return nil
    }
  }

  /// The value as an integer, when it is one: integral floating-point spellings such as `1e6`
  /// count, fractions and numbers beyond `Int` do not.
  var integralValue: Int? {
    switch self {
    case .integer(let exact): return exact
    case .number(let real) where real.isFinite && real == real.rounded() && abs(real) < 9e18:
      return Int(real)
    default: return nil
    }
  }

  /// The value as a finite number accepted by `isAllowed`; otherwise throws what `error` makes
  /// of the problem (the readers add their key path); `allowed` describes the rule.
  func finiteNumber(
    allowed: String, where isAllowed: (Double) -> Bool,
    error: (ScenarioError.Kind) -> ScenarioError
  ) throws -> Double {
    guard let real = numericValue else {
      throw error(.wrongType(value: rendered, expected: "a number \(allowed)"))
    }
    guard real.isFinite, isAllowed(real) else {
      throw error(.outOfRange(value: rendered, allowed: "a finite number \(allowed)"))
    }
    return real
  }

  static func render(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
    return "\(value)"
  }
}

extension JSONValue: Decodable {
  public init(from decoder: Decoder) throws {
    if let container = try? decoder.container(keyedBy: AnyKey.self) {
      var fields: [String: JSONValue] = [:]
      for key in container.allKeys {
        fields[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
      }
      self = .object(fields)
      return
    }
    if var container = try? decoder.unkeyedContainer() {
      var values: [JSONValue] = []
      while !container.isAtEnd { values.append(try container.decode(JSONValue.self)) }
      self = .array(values)
      return
    }
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else {
      // What is neither null, boolean, number nor string here is a number too large for Double.
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "a number beyond the range of 64-bit floating point (±1.8e308)")
    }
  }
}

extension JSONValue: Encodable {
  public func encode(to encoder: Encoder) throws {
    switch self {
    case .object(let fields):
      var container = encoder.container(keyedBy: AnyKey.self)
      for (key, value) in fields { try container.encode(value, forKey: AnyKey(key)) }
    case .array(let values):
      var container = encoder.unkeyedContainer()
      for value in values { try container.encode(value) }
    case .null:
      var container = encoder.singleValueContainer()
      try container.encodeNil()
    case .bool(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .integer(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .number(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .string(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    }
  }
}

/// A coding key for arbitrary object keys.
struct AnyKey: CodingKey {
  let stringValue: String
  var intValue: Int? { nil }
  init(_ string: String) { stringValue = string }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { return nil }
}
