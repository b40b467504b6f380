/// How `RunWriter` writes a run, beyond the scenario itself.
public struct RunOptions: Sendable {
  /// Replace an existing destination even when it holds files MoESim did not write.
  public var force: Bool
  /// Write one step in `stepTraceEvery` to `steps.csv` (steps 0, N, 2N, ...); nil writes no
  /// `steps.csv` at all. Totals, `experts.csv` and `summary.csv` always cover every step.
  public var stepTraceEvery: Int?

  public init(force: Bool = false, stepTraceEvery: Int? = 1) {
    self.force = force
    self.stepTraceEvery = stepTraceEvery
  }

  /// The files a run with these options writes, in the order they are completed.
  public var files: [String] {
    RunWriter.files.filter { $0 != "steps.csv" || stepTraceEvery != nil }
  }
}

/// A run stopped on request (SIGINT) between two steps; nothing of it was kept.
public struct RunInterrupted: Error, CustomStringConvertible, Sendable {
  /// Steps finished when the request was seen.
  public var stepsDone: Int
  public var steps: Int
  /// The results folder, which holds exactly what it held before the run (or does not exist).
  public var folder: String
  /// Whether `folder` holds the results of an earlier run.
  public var keptPrevious: Bool
  /// What the destination is: `"results folder"`, or `"trace"` for a single file.
  public var destinationKind: String

  public init(
    stepsDone: Int, steps: Int, folder: String, keptPrevious: Bool,
    destinationKind: String = "results folder"
  ) {
    self.stepsDone = stepsDone
    self.steps = steps
    self.folder = folder
    self.keptPrevious = keptPrevious
    self.destinationKind = destinationKind
  }

  public var description: String {
    let previous = destinationKind == "results folder" ? "results" : destinationKind
    let kept =
      keptPrevious
      ? "\(folder) still holds the previous \(previous), unchanged"
      : "no \(destinationKind) was created at \(folder)"
    return "interrupted after \(stepsDone) of \(steps) steps; partial files removed; \(kept)"
  }
}

/// Rows and bytes of a run's `steps.csv`, estimated before the run so that an enormous trace is
/// announced up front.
public struct StepTraceSize: Sendable, Equatable {
  /// Rows (step × MoE layer) that would be written.
  public var rows: Double
  public var bytes: Double

  /// Bytes per row, measured on the quickstart's `steps.csv` (`moesim run --out /tmp/qs`,
  /// `wc -c -l /tmp/qs/steps.csv`): 32_605 bytes for 224 rows and a header, ≈ 145 per row.
  public static let bytesPerRow = 145.0
  /// Above this the run warns before it starts.
  public static let warningBytes = Double(1 << 30)

  public init(scenario: Scenario, every: Int?) {
    guard let every else {
      rows = 0
      bytes = 0
      return
    }
    let tracedSteps = (Double(scenario.workload.steps) / Double(every)).rounded(.up)
    rows = tracedSteps * Double(scenario.model.moeLayerIndices.count)
    bytes = rows * Self.bytesPerRow
  }
}
