import Foundation

extension Scenario {
  /// Reads, overrides and validates the scenario file at `path`.
  /// A Hugging Face `config.json` (a file with a top-level `model_type`) is read as the scenario
  /// it stands for (see `HuggingFaceImport.scenarioTree`).
  public static func load(path: String, overrides: [ScenarioOverride] = []) throws -> Scenario {
    try parse(try readFile(path), file: path, overrides: overrides)
  }

  /// The bytes of the file at `path`; an unreadable file is missing input.
  static func readFile(_ path: String) throws -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ScenarioError(
        file: path, path: "",
        kind: .unreadable(detail: (error as NSError).localizedDescription), isMissingInput: true)
    }
  }

  /// The tree of JSON5 `data`; `file` names it in errors.
  static func parseTree(_ data: Data, file: String) throws -> JSONValue {
    do {
      try JSON5SyntaxCheck.check(data)
      return try JSONValue.parseJSON5(data)
    } catch let failure as JSON5SyntaxCheck.Failure {
      throw ScenarioError(file: file, path: "", kind: .malformed(detail: failure.description))
    } catch {
      throw ScenarioError(
        file: file, path: codingPath(of: error), kind: .malformed(detail: describeParseError(error))
      )
    }
  }

  /// Parses JSON5 `data`, applies `overrides` in order, and validates; `file` names it in errors.
  /// An error at or under an overridden key is attributed to that `--set` argument. `data` may
  /// be a Hugging Face `config.json`, read as the scenario it stands for.
  public static func parse(_ data: Data, file: String, overrides: [ScenarioOverride] = [])
    throws -> Scenario
  {
    var tree = try parseTree(data, file: file)
    if HuggingFaceImport.isConfig(tree) {
      tree = try HuggingFaceImport.scenarioTree(config: tree, file: file)
    }
    for override in overrides {
      tree = try tree.setting(
        override.value, at: override.path.split(separator: ".").map(String.init)[...],
        override: override)
    }
    do {
      return try Scenario(tree: tree, file: file)
    } catch var error as ScenarioError {
      // The override set this key, something under it, or created the unknown object it sits in.
      if let culprit = overrides.last(where: {
        error.path == $0.path || error.path.hasPrefix($0.path + ".")
          || error.path.hasPrefix($0.path + "[")
          || (!error.path.isEmpty && $0.path.hasPrefix(error.path + "."))
      }) {
        error.file = "--set \(culprit.argument)"
        error.isUsageError = true
      }
      throw error
    }
  }

  /// The dotted key path at which Foundation's decoder failed, e.g. `model.moe.experts`.
  static func codingPath(of error: Error) -> String {
    let path: [CodingKey]
    switch error as? DecodingError {
    case .dataCorrupted(let context)?, .typeMismatch(_, let context)?,
      .valueNotFound(_, let context)?, .keyNotFound(_, let context)?:
      path = context.codingPath
    default:
      path = []
    }
    return path.reduce(into: "") { text, key in
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
  }

  /// Foundation's parse errors carry the useful text (with line and column) in the underlying
  /// error's debug description.
  static func describeParseError(_ error: Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error, !context.codingPath.isEmpty {
      return context.debugDescription
    }
    if case DecodingError.dataCorrupted(let context) = error {
      if let underlying = context.underlyingError as NSError?,
        let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
      {
        return detail
      }
      return context.debugDescription
    }
    return String(describing: error)
  }
}
