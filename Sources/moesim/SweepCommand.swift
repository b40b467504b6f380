import Foundation
import MoESim

/// `moesim sweep`: run a scenario over a grid of `--vary`, `--zip` and `--points` values, one
/// results folder per point, and `moesim merge`: combine shard tables.
enum SweepCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(
      valued: [
        "--vary", "--zip", "--points", "--jobs", "--threads", "--out", "--shard", "--trace-every",
      ],
      flags: ["--quiet", "--no-step-trace", "--strict"], repeatable: ["--vary", "--zip"]))

  /// Invalid points named one by one on standard error; the rest are counted.
  static let invalidPointsListed = 10

  /// The groups of the grid, slowest first: the `--points` file's rows, the `--zip` axes
  /// together, then each `--vary` on its own.
  static func plan(_ parsed: Arguments) throws -> SweepPlan {
    var groups: [SweepGroup] = []
    if let path = parsed.value("--points") { groups.append(try SweepPointsFile.group(path: path)) }
    let zipped = try parsed.all("--zip").map { try SweepAxis(parsing: $0, option: "--zip") }
    if !zipped.isEmpty { groups.append(try SweepGroup(zipping: zipped)) }
    groups += try parsed.all("--vary").map { try SweepGroup(zipping: [SweepAxis(parsing: $0)]) }
    return try SweepPlan(groups: groups)
  }

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "sweep")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(
        message: "sweep takes one scenario file, got \(parsed.positionals.count)",
        command: "sweep")
    }
    let file = parsed.positionals.first
    let base = try ScenarioArguments.load(path: file, arguments: parsed)
    let plan = try plan(parsed)
    let shard = try parsed.value("--shard").map(SweepShard.init(parsing:))
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let threads = try parsed.threads(command: "sweep") ?? cores
    let jobs = try parsed.threads("--jobs", command: "sweep") ?? min(cores, threads)
    let options = try RunCommand.runOptions(parsed)
    let folder = parsed.value("--out") ?? "Results/\(base.name)-sweep"
    let strict = parsed.flags.contains("--strict")
    // Every point is built and validated before any runs, so a bad value costs nothing. An
    // invalid point is set aside with its reason (or, with --strict, stops the sweep).
    var points: [(SweepPoint, Scenario)] = []
    var invalid: [(SweepPoint, String)] = []
    var firstError: ScenarioError?
    for point in plan.points(in: shard) {
      do {
        let scenario = try plan.scenario(for: point) { overrides in
          try ScenarioArguments.load(path: file, arguments: parsed, extra: overrides)
        }
        try RunCommand.checkFitsInMemory(
          scenario, file: file, threads: max(1, threads / max(1, min(jobs, plan.points.count))))
        points.append((point, scenario))
      } catch let error as ScenarioError where !strict {
        invalid.append((point, error.description))
        firstError = firstError ?? error
      }
    }
    // Nothing to run: the grid itself is wrong, so the first reason is the error.
    if points.isEmpty, let firstError { throw firstError }
    for (point, reason) in invalid.prefix(Self.invalidPointsListed) {
      printError("warning: point \(point.index) is invalid and not run: \(reason)")
    }
    if invalid.count > Self.invalidPointsListed {
      printError(
        "warning: \(invalid.count - Self.invalidPointsListed) more invalid points; see"
          + " point_error in the sweep table")
    }
    let quiet = parsed.flags.contains("--quiet")
    let counter = PointCounter(total: points.count, enabled: !quiet && isatty(2) == 1)
    Interruption.install()
    let outcome = try SweepRunner.run(
      plan: plan, points: points, invalid: invalid, shard: shard, folder: folder, jobs: jobs,
      threads: threads,
      options: options, shouldStop: { Interruption.isRequested },
      pointDone: { _ in counter.increment() })
    counter.finish()
    if !quiet {
      let shardText = shard.map { " (shard \($0.index)/\($0.count))" } ?? ""
      print(
        "sweep\(shardText): \(points.count) of \(plan.points.count) points, ran"
          + " \(outcome.ran.count), skipped \(outcome.skipped.count) already complete,"
          + " \(outcome.invalid.count) invalid; table \(outcome.tablePath)")
    }
  }

  static func merge(_ arguments: [String]) throws {
    let parsed = try Arguments(
      arguments, spec: OptionSpec(valued: ["--out"], flags: ["--quiet", "--force"]),
      command: "merge")
    guard let first = parsed.positionals.first else {
      throw UsageError(message: "merge needs at least one sweep folder", command: "merge")
    }
    let outcome = try SweepMerge.merge(
      folders: parsed.positionals, output: parsed.value("--out") ?? first,
      force: parsed.flags.contains("--force"))
    if !parsed.flags.contains("--quiet") {
      print(
        "merged \(outcome.tables.count) tables, \(outcome.rows) points into \(outcome.tablePath)")
    }
  }
}

/// Counts finished points on standard error (only on a terminal).
final class PointCounter: @unchecked Sendable {
  private let lock = NSLock()
  private let total: Int
  private let enabled: Bool
  private var done = 0

  init(total: Int, enabled: Bool) {
    self.total = total
    self.enabled = enabled
  }

  func increment() {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    guard enabled else { return }
    writeStandardError("\rpoint \(done)/\(total)")
  }

  func finish() {
    guard enabled else { return }
    writeStandardError("\r\u{1B}[K")
  }
}
