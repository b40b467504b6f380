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
    tree = try derivingDevices(in: tree, overrides: overrides)
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
      // A pinned device count that conflicts with an overridden layout names both overrides.
      if error.path == "cluster.devices", error.isUsageError,
        let layout = overrides.last(where: { $0.setsCluster("layout") }),
        case .outOfRange(let value, let allowed) = error.kind
      {
        error.kind = .outOfRange(
          value: value, allowed: allowed + " as set by --set \(layout.argument)")
      }
      throw error
    }
  }

  /// `cluster.devices` follows an overridden layout: when an override sets `cluster.layout` (or a
  /// key under it) and none sets `cluster.devices`, the file's `devices` is dropped so that it
  /// defaults to the new layout's `tp × pp × dp`. A `--set cluster.devices=N` pins it, and a
  /// conflict with the layout is then that override's error.
  static func derivingDevices(in tree: JSONValue, overrides: [ScenarioOverride]) throws
    -> JSONValue
  {
    guard let layout = overrides.last(where: { $0.setsCluster("layout") }),
      !overrides.contains(where: { $0.setsCluster("devices") }),
      case .object(let root) = tree, case .object(let cluster)? = root["cluster"],
      cluster["devices"] != nil
    else { return tree }
    return try tree.setting(.null, at: ["cluster", "devices"], override: layout)
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

extension ScenarioOverride {
  /// Whether this override sets `cluster.<key>` or a key under it, directly or inside an
  /// object given for `cluster`.
  func setsCluster(_ key: String) -> Bool {
    let path = "cluster." + key
    if self.path == path || self.path.hasPrefix(path + ".") { return true }
    if self.path == "cluster", case .object(let fields) = value { return fields[key] != nil }
    return false
  }
}
