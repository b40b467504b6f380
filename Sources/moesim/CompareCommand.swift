import Foundation
import MoESim

/// `moesim compare`: an MoE scenario against its dense counterparts.
enum CompareCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(
      valued: ["--match", "--multiple-of", "--out", "--threads"], flags: ["--quiet", "--no-run"]))

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "compare")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(
        message: "compare takes one scenario file, got \(parsed.positionals.count)",
        command: "compare")
    }
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    guard scenario.model.moe != nil else {
      throw UsageError(
        message: "compare needs an MoE scenario (model.moe is absent)", command: "compare")
    }
    var matches: [DenseCounterpart.Match] = [.active]
    if let text = parsed.value("--match") {
      matches = try text.split(separator: ",").map { name in
        guard let match = DenseCounterpart.Match(rawValue: String(name)) else {
          throw UsageError(
            message: "--match = '\(name)' is not one of active, total, memory (comma-separated)",
            command: "compare")
        }
        return match
      }
    }
    let multiple = try parsed.positiveInt("--multiple-of", command: "compare") ?? 1
    let variants = Comparison.variants(scenario, matches: matches, multipleOf: multiple)
    let folder = parsed.value("--out") ?? "Results/\(scenario.name)-compare"
    try Comparison.checkOutput(folder: folder)
    var totals: [RunTotals]?
    if !parsed.flags.contains("--no-run") {
      let threads =
        try parsed.threads(command: "compare")
        ?? ProcessInfo.processInfo.activeProcessorCount
      for variant in variants {
        try RunCommand.checkFitsInMemory(
          variant.scenario, file: parsed.positionals.first, threads: threads)
      }
      Interruption.install()
      totals = try Comparison.run(
        variants, folder: folder, threads: threads, shouldStop: { Interruption.isRequested })
    }
    let path = try Comparison.write(variants, totals: totals, folder: folder)
    if !parsed.flags.contains("--quiet") {
      let verdicts = try ComparisonVerdict.verdicts(CSVTable(path: path))
      print(CompareReport.text(verdicts, tablePath: path))
    }
  }
}
