import Foundation
import MoESim

/// `moesim fit`: estimate the synthetic token model's knobs from a recorded routing trace and
/// write the scenario that reproduces its statistics.
enum FitCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(
      valued: ["--out", "--model", "--knobs", "--rounds", "--threads"],
      flags: ["--csv", "--per-layer-skew"]))

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "fit")
    guard parsed.positionals.count == 1, let tracePath = parsed.positionals.first else {
      throw UsageError(message: "fit takes one trace file", command: "fit")
    }
    var knobs = FitKnob.defaults
    if let list = parsed.value("--knobs") {
      knobs = try list.split(separator: ",").map { name in
        guard
          let knob = FitKnob.allCases.first(where: {
            $0.key == name || $0.key.hasSuffix(".\(name)")
          })
        else {
          throw UsageError(
            message: "--knobs: '\(name)' is not a fitted knob; allowed "
              + FitKnob.allCases.map(\.key).joined(separator: ", "),
            command: "fit")
        }
        return knob
      }
    }
    var rounds = 2
    if let text = parsed.value("--rounds") {
      guard let value = Int(text), (1...10).contains(value) else {
        throw UsageError(
          message: "--rounds = '\(text)' must be an integer in 1...10", command: "fit")
      }
      rounds = value
    }
    let base = try ScenarioArguments.fitBase(
      tracePath: tracePath, model: parsed.value("--model"), arguments: parsed)
    var fit = ScenarioFit(tracePath: tracePath, base: base)
    fit.knobs = knobs
    fit.rounds = rounds
    fit.perLayerSkew = parsed.flags.contains("--per-layer-skew")
    fit.threads =
      try parsed.threads(command: "fit") ?? ProcessInfo.processInfo.activeProcessorCount
    let result = try fit.fit()
    let out = parsed.value("--out") ?? "\(FitBase.name(forTrace: tracePath)).json5"
    try AtomicFile.write(result.scenarioText(tracePath: tracePath), to: out)
    var written = [out]
    if parsed.flags.contains("--csv") {
      let csv = URL(fileURLWithPath: out).deletingLastPathComponent()
        .appendingPathComponent("fit.csv").path
      try result.writeCSV(to: csv)
      written.append(csv)
    }
    print(result.table, terminator: "")
    print("\nwrote \(written.joined(separator: ", "))")
  }
}

extension ScenarioArguments {
  /// The base scenario of a fit, with the command line's `--set` and `--seed`.
  static func fitBase(tracePath: String, model: String?, arguments: Arguments) throws -> Scenario {
    try FitBase.scenario(tracePath: tracePath, model: model, overrides: overrides(arguments))
  }
}
