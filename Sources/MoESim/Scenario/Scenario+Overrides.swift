import Foundation

/// One `--set key.path=value` override from the command line.
public struct ScenarioOverride: Sendable, Equatable {
  /// Dotted key path, e.g. `model.moe.experts`.
  public var path: String
  /// The value as JSON5; a bare word that is not JSON5 (e.g. `softmax_topk`) is taken as a string.
  public var value: JSONValue
  /// The argument as the user wrote it, quoted back in errors.
  public var argument: String

  /// Parses `key.path=value`; throws a usage error naming the argument when malformed.
  public init(parsing argument: String) throws {
    self.argument = argument
    guard let equals = argument.firstIndex(of: "=") else {
      throw ScenarioError(
        file: "--set", path: argument,
        kind: .outOfRange(value: "'\(argument)'", allowed: "the form key.path=value"),
        isUsageError: true)
    }
    path = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
    let components = path.split(separator: ".", omittingEmptySubsequences: false)
    guard !path.isEmpty, components.allSatisfy({ !$0.isEmpty }) else {
      throw ScenarioError(
        file: "--set", path: argument,
        kind: .outOfRange(
          value: "'\(path)'", allowed: "a dotted key path such as model.moe.experts"),
        isUsageError: true)
    }
    let text = String(argument[argument.index(after: equals)...])
    // One JSON5 value, nothing more: `1, w: 2` must not slip a second key into the wrapper.
    let wrapped = Data("{\"v\": \(text)}".utf8)
    if (try? JSON5SyntaxCheck.check(wrapped)) != nil,
      let parsed = try? JSONValue.parseJSON5(wrapped),
      case .object(let wrapper) = parsed, wrapper.count == 1, let inner = wrapper["v"]
    {
      value = inner
    } else {
      value = .string(text)
    }
  }
}

extension JSONValue {
  /// The tree with `value` placed at the dotted `path`, creating objects on the way.
  /// Throws when a component on the way is not an object.
  func setting(
    _ value: JSONValue, at path: ArraySlice<String>, override: ScenarioOverride,
    walked: [String] = []
  ) throws -> JSONValue {
    guard let head = path.first else { return value }
    var fields: [String: JSONValue]
    switch self {
    case .object(let existing): fields = existing
    case .null: fields = [:]
    default:
      throw ScenarioError(
        file: "--set \(override.argument)", path: walked.joined(separator: "."),
        kind: .wrongType(value: rendered, expected: "an object to hold '\(head)'"),
        isUsageError: true)
    }
    let child = fields[head] ?? .null
    fields[head] = try child.setting(
      value, at: path.dropFirst(), override: override, walked: walked + [head])
    return .object(fields)
  }
}
