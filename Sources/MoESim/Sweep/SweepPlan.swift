import Foundation

/// One point of a sweep: its place in the grid and the value of every varied key.
public struct SweepPoint: Sendable, Equatable {
  /// Position in the full grid (0-based); names the point's folder, `point-0007`.
  public var index: Int
  /// One value per axis, in axis order, as JSON5 text.
  public var values: [String]

  /// The point's sub-folder name; four digits at least, so that folders sort in grid order.
  public var folderName: String {
    let digits = String(index)
    return "point-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}

/// `--shard I/N`: this process runs the points whose index is I modulo N (0 ≤ I < N).
public struct SweepShard: Sendable, Equatable {
  public var index: Int
  public var count: Int

  /// Parses `I/N`.
  /// - Throws: a usage `ScenarioError` naming `--shard` when malformed or `I ≥ N`.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
      index >= 0, index < count
    else {
      throw ScenarioError(
        file: "--shard", path: "--shard",
        kind: .outOfRange(
          value: "'\(text)'",
          allowed: "I/N with 0 ≤ I < N, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID)"),
        isUsageError: true)
    }
    self.index = index
    self.count = count
  }

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// The file the shard's table goes to: `sweep.shard-I-of-N.csv`.
  public var tableName: String { "sweep.shard-\(index)-of-\(count).csv" }
}

/// The full grid of a sweep: every combination of the axes' values, the first axis varying
/// slowest (like nested loops written in `--vary` order).
public struct SweepPlan: Sendable, Equatable {
  public var axes: [SweepAxis]
  public var points: [SweepPoint]

  /// Most points in one grid.
  public static let maximumPoints = 100_000

  /// - Throws: a usage `ScenarioError` when two axes vary the same key or the grid is too large.
  public init(axes: [SweepAxis]) throws {
    guard !axes.isEmpty else {
      throw ScenarioError(
        file: "--vary", path: "--vary",
        kind: .missingKey(reason: "sweep needs at least one --vary key.path=v1,v2,..."),
        isUsageError: true)
    }
    var seen: Set<String> = []
    var count = 1
    for axis in axes {
      guard seen.insert(axis.path).inserted else {
        throw SweepAxis.error(
          axis.argument, path: axis.path, value: "'\(axis.path)'",
          allowed: "each key in one --vary only (list all its values there)")
      }
      count *= axis.values.count
      guard count <= Self.maximumPoints else {
        throw SweepAxis.error(
          axis.argument, path: axis.path, value: "\(count)+ points",
          allowed: "a grid of at most \(Self.maximumPoints) points")
      }
    }
    self.axes = axes
    var points: [SweepPoint] = []
    points.reserveCapacity(count)
    for index in 0..<count {
      var remainder = index
      var values = [String](repeating: "", count: axes.count)
      for axisIndex in axes.indices.reversed() {
        let size = axes[axisIndex].values.count
        values[axisIndex] = axes[axisIndex].values[remainder % size]
        remainder /= size
      }
      points.append(SweepPoint(index: index, values: values))
    }
    self.points = points
  }

  /// The points a shard runs (all of them without a shard).
  public func points(in shard: SweepShard?) -> [SweepPoint] {
    guard let shard else { return points }
    return points.filter { $0.index % shard.count == shard.index }
  }

  /// The overrides that make `point`, to append after the command line's `--set`s.
  public func overrides(for point: SweepPoint) throws -> [ScenarioOverride] {
    try zip(axes, point.values).map { axis, value in try axis.override(value) }
  }

  /// Builds the point's scenario with `load` (which applies the overrides on top of the file);
  /// an error caused by a varied value names the `--vary` argument, not `--set`.
  public func scenario(
    for point: SweepPoint, load: ([ScenarioOverride]) throws -> Scenario
  ) throws -> Scenario {
    let overrides = try overrides(for: point)
    do {
      return try load(overrides)
    } catch var error as ScenarioError {
      for (axis, override) in zip(axes, overrides) where error.file == "--set \(override.argument)"
      {
        error.file = "--vary \(axis.argument) (value \(override.value.rendered))"
      }
      throw error
    }
  }
}
