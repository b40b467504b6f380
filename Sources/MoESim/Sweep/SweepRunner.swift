import Foundation

/// Runs the points of a sweep, several at once, each into its own results folder written by
/// `RunWriter` (so each is atomic), then writes the tidy table of the points: `sweep.csv`, or
/// `sweep.shard-I-of-N.csv` for a shard. A point whose scenario is invalid is not run; its row
/// says `invalid` in `point_status` and why in `point_error`, its summary fields empty.
///
/// A point whose folder already holds a complete run of the same resolved scenario is skipped,
/// so re-running an interrupted sweep only runs what is missing. Each point is an ordinary run:
/// its files are byte-identical to `moesim run` of the same scenario, whatever `jobs` is.
public enum SweepRunner {
  /// What a sweep did.
  public struct Outcome: Sendable, Equatable {
    /// Grid indices run now, ascending.
    public var ran: [Int]
    /// Grid indices skipped because their results were already complete, ascending.
    public var skipped: [Int]
    /// Grid indices not run because their scenario is invalid, ascending.
    public var invalid: [Int]
    /// The table written.
    public var tablePath: String
  }

  /// - Parameters:
  ///   - points: the points to run with their scenarios, in grid order.
  ///   - invalid: the points not run, each with the one-line reason its scenario is invalid.
  ///   - folder: the sweep folder; created with its parents when missing.
  ///   - jobs: points run at once.
  ///   - threads: worker threads in total; each point gets `max(1, threads / jobs)` so the
  ///     machine is not oversubscribed.
  ///   - shouldStop: polled between steps of every point (SIGINT).
  ///   - pointDone: called (from a worker thread) when a point finishes.
  public static func run(
    plan: SweepPlan, points: [(SweepPoint, Scenario)], invalid: [(SweepPoint, String)] = [],
    shard: SweepShard?, folder: String, jobs: Int, threads: Int, options: RunOptions,
    shouldStop: @escaping @Sendable () -> Bool = { false },
    pointDone: @escaping @Sendable (SweepPoint) -> Void = { _ in }
  ) throws -> Outcome {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw OutputError(
        .cannotCreate, path: folder,
        detail: "cannot create the sweep folder: \(ResultFolder.reason(error, creating: folder))")
    }
    // The table is written last; a table of the same name that MoESim did not write is refused
    // before any point runs.
    let tableName = shard?.tableName ?? "sweep.csv"
    try ResultManifest.checkReplaceable(
      tableName, in: folder, hint: "choose another --out, or move the file away")
    let pending = points.filter { point, scenario in
      !isComplete(pointFolder(folder, point), scenario: scenario, options: options)
    }
    let skipped = points.map(\.0.index).filter { index in
      !pending.contains { $0.0.index == index }
    }
    let workers = max(1, min(jobs, pending.count))
    let threadsPerPoint = max(1, threads / workers)
    let queue = WorkQueue(count: pending.count)
    let group = DispatchGroup()
    for _ in 0..<workers {
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        while let item = queue.next() {
          let (point, scenario) = pending[item]
          do {
            try RunWriter.run(
              scenario, folder: pointFolder(folder, point), threads: threadsPerPoint,
              options: options, shouldStop: { shouldStop() || queue.hasFailed })
            pointDone(point)
          } catch {
            queue.fail(item: item, error: error)
          }
        }
      }
      // The default 512 KiB stack is small for a simulation's deeper call chains.
      thread.stackSize = 8 << 20
      thread.start()
    }
    group.wait()
    if let error = queue.firstError { throw error }
    let table = try writeTable(
      plan: plan, points: points.map(\.0), invalid: invalid, folder: folder, name: tableName)
    return Outcome(
      ran: pending.map(\.0.index), skipped: skipped, invalid: invalid.map(\.0.index).sorted(),
      tablePath: table)
  }

  /// The folder of `point` inside the sweep folder.
  public static func pointFolder(_ folder: String, _ point: SweepPoint) -> String {
    URL(fileURLWithPath: folder).appendingPathComponent(point.folderName).path
  }

  /// Whether `pointFolder` holds a complete run of `scenario` with these options: every file
  /// present (`RunWriter` renames the folder into place only when all are written) and the
  /// resolved scenario identical.
  static func isComplete(_ pointFolder: String, scenario: Scenario, options: RunOptions) -> Bool {
    let url = URL(fileURLWithPath: pointFolder)
    let written = options.files.allSatisfy {
      FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
    }
    guard written,
      let echo = try? String(
        contentsOf: url.appendingPathComponent("scenario.json"), encoding: .utf8)
    else { return false }
    return echo == RunWriter.resolvedJSON(scenario)
  }

  /// The columns after the summary's: whether the point ran, and why not.
  public static let statusColumns = ["point_status", "point_error"]

  /// The sweep table's columns: `point`, the varied keys, every `summary.csv` column, then
  /// `point_status` (`ok` or `invalid`) and `point_error` (the reason; empty when `ok`).
  public static func columns(_ plan: SweepPlan) -> [String] {
    ["point"] + plan.axes.map(\.path) + ResultTables.summaryColumns + statusColumns
  }

  /// Writes one row per point in grid order: its index, its values, then its `summary.csv` row
  /// verbatim and `ok`, or empty summary fields, `invalid` and the reason.
  static func writeTable(
    plan: SweepPlan, points: [SweepPoint], invalid: [(SweepPoint, String)] = [], folder: String,
    name: String
  ) throws -> String {
    let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
    let file = try AtomicFile(path: path)
    try file.write(columns(plan).map { CSVField.text($0).text }.joined(separator: ",") + "\n")
    let reasons = Dictionary(invalid.map { ($0.0.index, $0.1) }, uniquingKeysWith: { a, _ in a })
    let all = (points + invalid.map(\.0)).sorted { $0.index < $1.index }
    for point in all {
      let prefix = [CSVField.integer(point.index)] + point.values.map(CSVField.text)
      if let reason = reasons[point.index] {
        let empty = [String](repeating: "", count: ResultTables.summaryColumns.count)
        try file.write(
          (prefix.map(\.text) + empty + ["invalid", CSVField.text(reason).text])
            .joined(separator: ",") + "\n")
        continue
      }
      let summaryPath = URL(fileURLWithPath: pointFolder(folder, point))
        .appendingPathComponent("summary.csv").path
      guard let text = try? String(contentsOfFile: summaryPath, encoding: .utf8) else {
        throw OutputError(.ioError, path: summaryPath, detail: "cannot read the point's summary")
      }
      let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
      guard lines.count == 2, lines[0] == ResultTables.summaryColumns.joined(separator: ",")
      else {
        throw OutputError(
          .ioError, path: summaryPath, detail: "is not a one-row summary.csv of this version")
      }
      try file.write(prefix.map(\.text).joined(separator: ",") + "," + lines[1] + ",ok,\n")
    }
    try file.commit()
    try ResultManifest.record(name, in: folder)
    return path
  }
}

/// Hands out item indices to worker threads and records the first failure (by item order, so
/// the error reported does not depend on scheduling when several points fail).
final class WorkQueue: @unchecked Sendable {
  private let lock = NSLock()
  private let count: Int
  private var nextItem = 0
  private var failure: (item: Int, error: Error)?

  init(count: Int) { self.count = count }

  /// The next item, or nil when all are handed out or one has failed.
  func next() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard failure == nil, nextItem < count else { return nil }
    nextItem += 1
    return nextItem - 1
  }

  func fail(item: Int, error: Error) {
    lock.lock()
    defer { lock.unlock() }
    // A real failure outranks the interruptions it causes in the other points.
    let interruption = error is RunInterrupted
    if let current = failure {
      let currentInterruption = current.error is RunInterrupted
      guard
        (currentInterruption && !interruption)
          || (currentInterruption == interruption && item < current.item)
      else { return }
    }
    failure = (item, error)
  }

  var hasFailed: Bool {
    lock.lock()
    defer { lock.unlock() }
    return failure != nil
  }

  var firstError: Error? {
    lock.lock()
    defer { lock.unlock() }
    return failure?.error
  }
}
