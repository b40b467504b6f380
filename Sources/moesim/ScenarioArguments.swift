import Foundation
import MoESim

/// The scenario options shared by every command that reads a scenario: `--set k=v` (repeatable)
/// and `--seed N`, applied in that order on top of the file, and `--allow-large`.
enum ScenarioArguments {
  static let spec = OptionSpec(
    valued: ["--set", "--seed"], flags: ["--allow-large"], repeatable: ["--set"])

  /// The commands that simulate, and so refuse work above `WorkBudget` without `--allow-large`
  /// (`compare --no-run` simulates nothing).
  static let simulatingCommands: Set<String> = ["run", "sweep", "compare", "export-trace"]

  /// Loads the scenario at `path`, or the built-in quickstart when `path` is nil; `extra`
  /// overrides (a sweep point's) apply after the command line's.
  static func load(path: String?, arguments: Arguments, extra: [ScenarioOverride] = [])
    throws -> Scenario
  {
    let overrides = try self.overrides(arguments) + extra
    let scenario =
      try path.map { try Scenario.load(path: $0, overrides: overrides) }
      ?? Scenario.parse(
        Data(BuiltinScenarios.quickstart.utf8), file: BuiltinScenarios.quickstartFile,
        overrides: overrides)
    if simulatingCommands.contains(arguments.command),
      !arguments.flags.contains("--allow-large"), !arguments.flags.contains("--no-run")
    {
      try WorkBudget.check(scenario, file: path ?? BuiltinScenarios.quickstartFile)
    }
    return scenario
  }

  /// Parses a scenario compiled into the binary, `file` naming it in errors.
  static func load(text: String, file: String, arguments: Arguments) throws -> Scenario {
    try Scenario.parse(Data(text.utf8), file: file, overrides: try overrides(arguments))
  }

  /// The `--set` overrides, then `--seed`.
  static func overrides(_ arguments: Arguments) throws -> [ScenarioOverride] {
    var overrides = try arguments.all("--set").map(ScenarioOverride.init(parsing:))
    if let seed = arguments.value("--seed") {
      guard UInt64(seed) != nil, Int(seed) != nil else {
        throw UsageError(
          message: "--seed = '\(seed)' must be an integer in 0...\(Int.max)", command: nil)
      }
      overrides.append(try ScenarioOverride(parsing: "seed=\(seed)"))
    }
    return overrides
  }
}

extension OptionSpec {
  /// This spec with `other`'s options added.
  func merging(_ other: OptionSpec) -> OptionSpec {
    OptionSpec(
      valued: valued.union(other.valued), flags: flags.union(other.flags),
      repeatable: repeatable.union(other.repeatable))
  }
}
