/// `--precision X` and `--layout tp=..,ep=..,dp=..,pp=..` of `moesim params`, `moesim memory`
/// and `moesim run`: shorthands for `--set precision.weights=X` and `--set cluster.layout={...}`
/// (so `cluster.devices` follows the layout), applied after the user's own `--set` overrides and
/// validated like them.
enum AccountingOptions {
  /// The two shorthands.
  static let shorthandSpec = OptionSpec(valued: ["--precision", "--layout"])
  /// The shorthands and `--csv`, for `params` and `memory`.
  static let spec = shorthandSpec.merging(OptionSpec(flags: ["--csv"]))
  static let layoutKeys = ["tp", "ep", "expert_tp", "dp", "pp"]

  /// Appends the shorthands to `arguments`' `--set` overrides.
  static func apply(to arguments: inout Arguments, command: String) throws {
    var overrides: [String] = []
    if let precision = arguments.value("--precision") {
      overrides.append("precision.weights=\(precision)")
    }
    if let layout = arguments.value("--layout") {
      overrides.append("cluster.layout=\(try layoutObject(layout, command: command))")
    }
    arguments.values["--set", default: []] += overrides
  }

  /// `tp=8,ep=8` → `{tp: 8, ep: 8}`; unknown keys and non-positive degrees are usage errors.
  static func layoutObject(_ text: String, command: String) throws -> String {
    var fields: [String] = []
    var seen: Set<String> = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
      guard pair.count == 2, layoutKeys.contains(pair[0]), let degree = Int(pair[1]), degree > 0,
        seen.insert(pair[0]).inserted
      else {
        throw UsageError(
          message: "--layout '\(text)': '\(part)' is not KEY=N with KEY one of "
            + "\(layoutKeys.joined(separator: ", ")) (each once) and N ≥ 1",
          command: command)
      }
      fields.append("\(pair[0]): \(degree)")
    }
    return "{" + fields.joined(separator: ", ") + "}"
  }
}
