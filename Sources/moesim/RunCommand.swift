import Foundation
import MoESim

/// `moesim run`: simulate a scenario and write its result folder.
enum RunCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(valued: ["--out", "--threads"], flags: ["--quiet"]))

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "run")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(message: "run takes one scenario file, got \(parsed.positionals.count)", command: "run")
    }
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    let threads = try parsed.positiveInt("--threads", command: "run")
      ?? ProcessInfo.processInfo.activeProcessorCount
    let folder = parsed.value("--out") ?? "Results/\(scenario.name)"
    let quiet = parsed.flags.contains("--quiet")
    let progress = Progress(total: scenario.workload.steps, enabled: !quiet && isatty(2) == 1)
    let totals = try RunWriter.run(scenario, folder: folder, threads: threads) {
      progress.update($0)
    }
    progress.finish()
    if !quiet { print(Report.runSummary(scenario: scenario, totals: totals, folder: folder)) }
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
    FileHandle.standardError.write(Data("\rstep \(done)/\(total) (\(percent)%)".utf8))
  }

  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
