import Foundation
import MoESim

/// `moesim run`: simulate a scenario and write its result folder.
enum RunCommand {
  static let spec = ScenarioArguments.spec.merging(AccountingOptions.shorthandSpec).merging(
    OptionSpec(
      valued: ["--out", "--threads", "--trace-every", "--export-placement"],
      flags: ["--quiet", "--force", "--no-step-trace"]))

  static func main(_ arguments: [String]) throws {
    var parsed = try Arguments(arguments, spec: spec, command: "run")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(
        message: "run takes one scenario file, got \(parsed.positionals.count)", command: "run")
    }
    try AccountingOptions.apply(to: &parsed, command: "run")
    if let name = parsed.value("--export-placement") {
      guard let format = PlacementExportFormat(rawValue: name) else {
        throw UsageError(
          message: "--export-placement '\(name)' is not one of "
            + PlacementExportFormat.allCases.map(\.rawValue).joined(separator: ", "),
          command: "run")
      }
      parsed.values["--set", default: []].append("cluster.placement.export=\(format.rawValue)")
    }
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    let threads =
      try parsed.threads(command: "run")
      ?? ProcessInfo.processInfo.activeProcessorCount
    let folder = parsed.value("--out") ?? "Results/\(scenario.name)"
    let quiet = parsed.flags.contains("--quiet")
    let options = try runOptions(parsed)
    try checkFitsInMemory(scenario, file: parsed.positionals.first, threads: threads)
    let file = parsed.positionals.first ?? BuiltinScenarios.quickstartFile
    if let refusal = StepFootprint.refusal(scenario, file: file) { throw refusal }
    warnAboutLargeTrace(scenario, options: options)
    Interruption.install()
    let progress = Progress(total: scenario.workload.steps, enabled: !quiet && isatty(2) == 1)
    defer { progress.finish() }
    let totals = try RunWriter.run(
      scenario, folder: folder, threads: threads, options: options,
      progress: { progress.update($0) }, shouldStop: { Interruption.isRequested })
    progress.finish()
    if !quiet {
      print(
        Report.runSummary(
          scenario: scenario, totals: totals, folder: folder,
          files: options.files
            + (scenario.cluster.placement != nil && options.stepTraceEvery != nil
              ? ["devices.csv"] : [])
            + (scenario.validation != nil ? ["validation.csv"] : [])
            + (scenario.cluster.placement?.export.map { [$0.runFileName] } ?? [])))
    }
  }

  /// `--force`, `--trace-every N` and `--no-step-trace`.
  static func runOptions(_ parsed: Arguments) throws -> RunOptions {
    let every = try parsed.positiveInt("--trace-every", command: "run")
    if parsed.flags.contains("--no-step-trace") && every != nil {
      throw UsageError(
        message: "--trace-every and --no-step-trace exclude each other", command: "run")
    }
    return RunOptions(
      force: parsed.flags.contains("--force"),
      stepTraceEvery: parsed.flags.contains("--no-step-trace") ? nil : every ?? 1)
  }

  /// Says before the run starts when `steps.csv` would be enormous, and how to thin it.
  static func warnAboutLargeTrace(_ scenario: Scenario, options: RunOptions) {
    let size = StepTraceSize(scenario: scenario, every: options.stepTraceEvery)
    guard size.bytes > StepTraceSize.warningBytes else { return }
    let gib = size.bytes / Double(1 << 30)
    let suggested = max(2, Int((size.bytes / StepTraceSize.warningBytes).rounded(.up)))
    printError(
      "warning: steps.csv will hold \(Report.count(size.rows)) rows (about "
        + String(format: "%.1f", gib) + " GiB); pass --trace-every \(suggested) to keep one step"
        + " in \(suggested), or --no-step-trace to skip it (summary.csv and experts.csv still"
        + " cover every step)")
  }
}

/// A one-line progress indicator on standard error, redrawn at most ten times a second.
final class Progress {
  let total: Int
  let enabled: Bool
  private var lastDraw = Date.distantPast

  init(total: Int, enabled: Bool) {
    self.total = total
    self.enabled = enabled
  }

  func update(_ done: Int) {
    guard enabled, done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    let percent = Int((Double(done) / Double(total) * 100).rounded(.down))
    writeStandardError("\rstep \(done)/\(total) (\(percent)%)")
  }

  func finish() {
    guard enabled else { return }
    writeStandardError("\r\u{1B}[K")
  }
}

extension RunCommand {
  /// Refuses, before anything is allocated, a scenario whose run would not fit in the memory
  /// this process may use (`WorkingMemory.checkFits`).
  static func checkFitsInMemory(_ scenario: Scenario, file: String?, threads: Int) throws {
    try WorkingMemory.checkFits(
      scenario, file: file ?? BuiltinScenarios.quickstartFile, threads: threads)
  }
}
