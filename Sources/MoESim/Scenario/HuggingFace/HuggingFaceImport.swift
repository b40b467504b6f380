import Foundation

/// Turns a Hugging Face `config.json` into MoESim scenario keys: a whole scenario when a config
/// stands in for a scenario file, or the `model` object of a scenario that writes
/// `model: { hf_config: "config.json", ... }`.
public enum HuggingFaceImport {
  /// The `model_type` values the importer reads, sorted.
  public static var importedModelTypes: [String] { HuggingFaceFamilies.importedTypes }

  /// Whether a parsed file is a `config.json` (an object with a top-level `model_type`) rather
  /// than a scenario, which has no such key.
  public static func isConfig(_ tree: JSONValue) -> Bool {
    if case .object(let fields) = tree, fields["model_type"] != nil { return true }
    return false
  }

  /// The scenario keys the config `tree` (read from `file`) implies, each with its source key.
  /// With `needsRouter`, a router the importer cannot express is an error; without, only the
  /// model keys are wanted and the router keys are left out.
  public static func entries(config tree: JSONValue, file: String, needsRouter: Bool = true)
    throws -> [HuggingFaceConfig.Entry]
  {
    let config = try read(config: tree, file: file)
    if let refusal = config.routerRefusal {
      if needsRouter { throw refusal }
      return config.entries.filter { $0.path.hasPrefix("model.") }
    }
    return config.entries
  }

  /// The config read by its family, every key checked.
  static func read(config tree: JSONValue, file: String) throws -> HuggingFaceConfig {
    var config = try HuggingFaceConfig(tree: tree, file: file)
    guard let family = HuggingFaceFamilies.family(of: config.modelType) else {
      let known = HuggingFaceFamilies.importedTypes.map { "\"\($0)\"" }.joined(separator: ", ")
      throw ScenarioError(
        file: file, path: "model_type",
        kind: .outOfRange(value: "\"\(config.modelType)\"", allowed: "one of \(known)"))
    }
    try family.read(&config)
    try config.rejectUnreadKeys()
    return config
  }

  /// The scenario a config stands for: the config's model, router and precision keys, a name
  /// taken from the file's path, and every other key at its default.
  public static func scenarioTree(config tree: JSONValue, file: String) throws -> JSONValue {
    let entries = try entries(config: tree, file: file)
    var scenario = JSONValue.object([
      "name": .string(scenarioName(forConfigAt: file, entries: entries, config: tree)),
      "description": .string("Imported from \(file)."),
    ])
    for entry in entries { scenario = scenario.inserting(entry.value, at: entry.path) }
    return scenario
  }

  /// `tree` with a `model: { hf_config: PATH, ...keys }` replaced by the model the config at
  /// PATH (relative to `file`'s folder) describes, the explicit keys overriding the config's.
  /// Any other tree is returned unchanged.
  static func expandingModel(in tree: JSONValue, file: String) throws -> JSONValue {
    guard case .object(var root) = tree, case .object(var model)? = root["model"],
      let reference = model["hf_config"]
    else { return tree }
    guard case .string(let relative) = reference, !relative.isEmpty else {
      throw ScenarioError(
        file: file, path: "model.hf_config",
        kind: .wrongType(value: reference.rendered, expected: "the path of a config.json"))
    }
    let path = WorkloadSpec.resolve(relative, against: file)
    let config = try Scenario.parseTree(try Scenario.readFile(path), file: path)
    var imported = JSONValue.object([:])
    let modelEntries = try entries(config: config, file: path, needsRouter: false)
    for entry in modelEntries where entry.path.hasPrefix("model.") {
      imported = imported.inserting(entry.value, at: String(entry.path.dropFirst("model.".count)))
    }
    model.removeValue(forKey: "hf_config")
    root["model"] = imported.merging(.object(model))
    return .object(root)
  }

  /// The folder holding `config.json` (e.g. `Mixtral-8x7B-v0.1`), or the file's own base name,
  /// reduced to the characters a scenario name allows; the model_type when nothing is left.
  static func scenarioName(
    forConfigAt file: String, entries: [HuggingFaceConfig.Entry], config: JSONValue
  ) -> String {
    let url = URL(fileURLWithPath: file)
    var base = url.deletingPathExtension().lastPathComponent
    if base == "config" { base = url.deletingLastPathComponent().lastPathComponent }
    let cleaned = String(
      base.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" }
    ).trimmingCharacters(in: CharacterSet(charactersIn: "."))
    if !cleaned.isEmpty { return cleaned }
    if case .object(let fields) = config, case .string(let type)? = fields["model_type"] {
      return type
    }
    return "imported"
  }
}

extension JSONValue {
  /// The tree with `value` at the dotted `path`, creating objects on the way (replacing any
  /// non-object in the way).
  func inserting(_ value: JSONValue, at path: String) -> JSONValue {
    inserting(value, at: path.split(separator: ".").map(String.init)[...])
  }

  private func inserting(_ value: JSONValue, at path: ArraySlice<String>) -> JSONValue {
    guard let head = path.first else { return value }
    var fields: [String: JSONValue] = [:]
    if case .object(let existing) = self { fields = existing }
    fields[head] = (fields[head] ?? .null).inserting(value, at: path.dropFirst())
    return .object(fields)
  }

  /// This tree with `overrides` laid over it: objects merge key by key, recursively; any other
  /// value of `overrides` (including `null`, "take the default") replaces this one.
  func merging(_ overrides: JSONValue) -> JSONValue {
    guard case .object(var fields) = self, case .object(let replacements) = overrides else {
      return overrides
    }
    for (key, replacement) in replacements {
      fields[key] = fields[key].map { $0.merging(replacement) } ?? replacement
    }
    return .object(fields)
  }
}
