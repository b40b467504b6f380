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

/// Keys that vary together: row `i` of the group gives every axis its value `i`. A `--vary`
/// is a group of one axis; the `--zip` arguments form one group; a `--points` file is one group
/// whose rows are the file's rows.
public struct SweepGroup: Sendable, Equatable {
  public var axes: [SweepAxis]

  /// Rows of the group (every axis has this many values).
  public var count: Int { axes.first?.values.count ?? 0 }

  /// The axes, coupled row by row.
  /// - Throws: a usage `ScenarioError` naming two axes whose value counts differ.
  public init(zipping axes: [SweepAxis]) throws {
    if let first = axes.first,
      let other = axes.first(where: { $0.values.count != first.values.count })
    {
      throw SweepAxis.error(
        other.source, path: other.path, value: "\(other.values.count) values",
        allowed: "as many values as \(first.source) (\(first.values.count)): coupled axes"
          + " take their i-th values together")
    }
    self.axes = axes
  }
}

/// The full grid of a sweep: every combination of the groups' rows, the first group varying
/// slowest (like nested loops written in order).
public struct SweepPlan: Sendable, Equatable {
  /// Every varied key, group by group; a point's `values` follow this order.
  public var axes: [SweepAxis]
  public var groups: [SweepGroup]
  public var points: [SweepPoint]

  /// Most points in one grid.
  public static let maximumPoints = 100_000

  /// The cartesian product of independent axes (each `--vary` its own group).
  public init(axes: [SweepAxis]) throws {
    try self.init(groups: try axes.map { try SweepGroup(zipping: [$0]) })
  }

  /// - Throws: a usage `ScenarioError` when there is no axis, two axes vary the same key, or
  ///   the grid is too large.
  public init(groups: [SweepGroup]) throws {
    let groups = groups.filter { !$0.axes.isEmpty }
    guard !groups.isEmpty else {
      throw ScenarioError(
        file: "--vary", path: "--vary",
        kind: .missingKey(
          reason: "sweep needs at least one --vary key.path=v1,v2,..., --zip or --points"),
        isUsageError: true)
    }
    var seen: Set<String> = []
    var count = 1
    for group in groups {
      for axis in group.axes {
        guard seen.insert(axis.path).inserted else {
          throw SweepAxis.error(
            axis.source, path: axis.path, value: "'\(axis.path)'",
            allowed: "each key in one --vary, --zip or --points column only")
        }
      }
      count *= group.count
      guard count <= Self.maximumPoints else {
        throw SweepAxis.error(
          group.axes[0].source, path: group.axes[0].path, value: "\(count)+ points",
          allowed: "a grid of at most \(Self.maximumPoints) points")
      }
    }
    self.groups = groups
    self.axes = groups.flatMap(\.axes)
    var points: [SweepPoint] = []
    points.reserveCapacity(count)
    for index in 0..<count {
      var remainder = index
      var rows = [Int](repeating: 0, count: groups.count)
      for groupIndex in groups.indices.reversed() {
        rows[groupIndex] = remainder % groups[groupIndex].count
        remainder /= groups[groupIndex].count
      }
      let values = zip(groups, rows).flatMap { group, row in group.axes.map { $0.values[row] } }
      points.append(SweepPoint(index: index, values: values))
    }
    self.points = points
  }

  /// The points a shard runs (all of them without a shard).
  public func points(in shard: SweepShard?) -> [SweepPoint] {
    guard let shard else { return points }
    return points.filter { $0.index % shard.count == shard.index }
  }

  /// The overrides that make `point`, to append after the command line's `--set`s, with the
  /// axis and value each came from.
  func attributedOverrides(for point: SweepPoint) throws
    -> [(override: ScenarioOverride, source: String)]
  {
    try zip(axes, point.values).flatMap { axis, value in
      try axis.overrides(value).map { ($0, "\(axis.source) (value \(value))") }
    }
  }

  /// The overrides that make `point`, to append after the command line's `--set`s.
  public func overrides(for point: SweepPoint) throws -> [ScenarioOverride] {
    try attributedOverrides(for: point).map(\.override)
  }

  /// Builds the point's scenario with `load` (which applies the overrides on top of the file,
  /// and with none gives the base scenario); an error caused by a varied value names the
  /// `--vary`, `--zip` or `--points` source, not `--set`. A derived value (`keep_active`) is
  /// resolved first (see `SweepDerivedKey`).
  public func scenario(
    for point: SweepPoint, load: ([ScenarioOverride]) throws -> Scenario
  ) throws -> Scenario {
    let attributed = try attributedOverrides(for: point)
    func attributedLoad(_ overrides: [ScenarioOverride]) throws -> Scenario {
      do {
        return try load(overrides)
      } catch var error as ScenarioError {
        let file = error.file
        if let culprit = attributed.last(where: { file == "--set \($0.override.argument)" }) {
          error.file = culprit.source
        }
        throw error
      }
    }
    var plain: [ScenarioOverride] = []
    var derived: [(key: SweepDerivedKey, override: ScenarioOverride, source: String)] = []
    for item in attributed {
      if let key = SweepDerivedKey(override: item.override) {
        derived.append((key, item.override, item.source))
      } else {
        plain.append(item.override)
      }
    }
    guard !derived.isEmpty else { return try attributedLoad(plain) }
    let base = try load([])
    let provisional = try attributedLoad(plain)
    let resolved = try derived.flatMap { item in
      do {
        return try item.key.resolve(item.override, base: base, point: provisional)
      } catch var error as ScenarioError {
        error.file = item.source
        throw error
      }
    }
    return try attributedLoad(plain + resolved)
  }
}
