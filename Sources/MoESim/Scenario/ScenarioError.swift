import Foundation

/// Everything that can be wrong with a scenario, each rendered as one line that names the file,
/// the key path, the value and what is allowed.
public struct ScenarioError: Error, Equatable, CustomStringConvertible, Sendable {
  /// What went wrong, independent of where.
  public enum Kind: Equatable, Sendable {
    /// The file is not valid JSON5; `detail` is the parser's own description (with line).
    case malformed(detail: String)
    /// A key that the scenario format does not have; `suggestion` is the closest valid key.
    case unknownKey(suggestion: String?, allowed: [String])
    /// A required key is absent; `reason` says when it is required, if not always.
    case missingKey(reason: String?)
    /// The value has the wrong JSON type.
    case wrongType(value: String, expected: String)
    /// The value has the right type but is outside what is allowed.
    case outOfRange(value: String, allowed: String)
    /// The file cannot be read.
    case unreadable(detail: String)
  }

  /// The file the scenario came from (`<built-in quickstart>` or `--set` for overrides).
  public var file: String
  /// Dotted key path, e.g. `model.moe.top_k`; empty for whole-file errors.
  public var path: String
  public var kind: Kind
  /// The error comes from the command line (`--set`), not from a file: a usage error.
  public var isUsageError: Bool
  /// The scenario file itself is missing or unreadable.
  public var isMissingInput: Bool

  public init(
    file: String, path: String, kind: Kind, isUsageError: Bool = false,
    isMissingInput: Bool = false
  ) {
    self.file = file
    self.path = path
    self.kind = kind
    self.isUsageError = isUsageError
    self.isMissingInput = isMissingInput
  }

  public var description: String {
    // `file` may be a `--set` argument as the user typed it: cut like any echoed value.
    let file = ErrorText.echo(self.file)
    let location = path.isEmpty ? "\(file): the top level" : "\(file): \(path)"
    switch kind {
    case .malformed(let detail) where !path.isEmpty:
      return "\(file): \(path) is not valid JSON5: \(detail)"
    case .malformed(let detail):
      return "\(file): not valid JSON5: \(detail)"
    case .unreadable(let detail):
      return "\(file): cannot read scenario: \(detail)"
    case .unknownKey(let suggestion, let allowed):
      let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
      return
        "\(location) is not a known key\(hint) (allowed here: \(allowed.joined(separator: ", ")))"
    case .missingKey(let reason):
      return "\(location) is required but missing" + (reason.map { " (\($0))" } ?? "")
    case .wrongType(let value, let expected):
      return "\(location) = \(ErrorText.echo(value)) has the wrong type; expected \(expected)"
    case .outOfRange(let value, let allowed):
      return "\(location) = \(ErrorText.echo(value)) is out of range; allowed \(allowed)"
    }
  }
}
