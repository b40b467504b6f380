import Foundation
import Testing

@testable import MoESim

/// Grid expansion, sharding, resumption and byte-identity of `moesim sweep`.
@Suite struct SweepTests {
  /// A quickstart small enough that a point runs in well under a second.
  static let small = ["workload.steps=2", "workload.tokens_per_step=64", "model.layers=3"]

  static func load(_ overrides: [ScenarioOverride]) throws -> Scenario {
    try Scenario.parse(
      Data(BuiltinScenarios.quickstart.utf8), file: "quickstart.json5",
      overrides: try small.map(ScenarioOverride.init(parsing:)) + overrides)
  }

  static func points(_ plan: SweepPlan, shard: SweepShard? = nil) throws -> [(SweepPoint, Scenario)]
  {
    try plan.points(in: shard).map { ($0, try plan.scenario(for: $0, load: load)) }
  }

  @Test func rangesExpandAsDocumented() throws {
    // 8·2^k for k = 0...5 reaches 256 exactly.
    #expect(try SweepAxis(parsing: "a=8..256*2").values == ["8", "16", "32", "64", "128", "256"])
    // 1, 1+3, 1+6; 10 would pass the end 9.
    #expect(try SweepAxis(parsing: "a=1..9+3").values == ["1", "4", "7"])
    #expect(try SweepAxis(parsing: "a=2..4").values == ["2", "3", "4"])
    // Mixed list with a range in the middle, and brackets kept whole.
    #expect(try SweepAxis(parsing: "a=1,4..8*2,null").values == ["1", "4", "8", "null"])
    #expect(try SweepAxis(parsing: "a=[1,2],[3],'x,y'").values == ["[1,2]", "[3]", "'x,y'"])
  }

  @Test(arguments: ["a=8..4*2", "a=0..8*2", "a=1..8*1", "a=1..8+0", "a=1,,2", "noequals", "=1"])
  func malformedAxesAreUsageErrors(_ argument: String) {
    #expect {
      try SweepAxis(parsing: argument)
    } throws: { error in
      guard let error = error as? ScenarioError else { return false }
      return error.isUsageError && error.description.hasPrefix("--vary \(argument)")
    }
  }

  @Test func gridVariesTheFirstAxisSlowestAndShardsTakeEveryNth() throws {
    let plan = try SweepPlan(axes: [
      SweepAxis(parsing: "model.moe.experts=8,16"), SweepAxis(parsing: "model.moe.top_k=1..3"),
    ])
    #expect(
      plan.points.map(\.values) == [
        ["8", "1"], ["8", "2"], ["8", "3"], ["16", "1"], ["16", "2"], ["16", "3"],
      ])
    let shard = try SweepShard(parsing: "1/4")
    #expect(plan.points(in: shard).map(\.index) == [1, 5])
    #expect(throws: ScenarioError.self) { try SweepShard(parsing: "4/4") }
    #expect(throws: ScenarioError.self) {
      try SweepPlan(axes: [SweepAxis(parsing: "seed=1"), SweepAxis(parsing: "seed=2")])
    }
  }

  @Test func aBadVariedValueNamesTheVaryArgument() throws {
    let plan = try SweepPlan(axes: [SweepAxis(parsing: "model.moe.top_k=2,99")])
    #expect(throws: Never.self) { try plan.scenario(for: plan.points[0], load: Self.load) }
    #expect {
      try plan.scenario(for: plan.points[1], load: Self.load)
    } throws: { error in
      guard let error = error as? ScenarioError else { return false }
      return error.isUsageError && error.file.hasPrefix("--vary model.moe.top_k=2,99")
        && error.path == "model.moe.top_k"
    }
  }

  @Test func pointsAreByteIdenticalToSingleRunsAndResumeSkipsCompletePoints() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let plan = try SweepPlan(axes: [
      SweepAxis(parsing: "model.moe.experts=4..8*2"),
      SweepAxis(parsing: "model.moe.top_k=1,2"),
    ])
    let points = try Self.points(plan)
    let folder = root.appendingPathComponent("sweep").path
    let first = try SweepRunner.run(
      plan: plan, points: points, shard: nil, folder: folder, jobs: 2, threads: 2,
      options: RunOptions())
    #expect(first.ran == [0, 1, 2, 3] && first.skipped.isEmpty)

    // Each point alone, one thread, through the same writer `moesim run` uses.
    for (point, scenario) in points {
      let alone = root.appendingPathComponent("alone-\(point.index)").path
      try RunWriter.run(scenario, folder: alone, threads: 1)
      for file in RunWriter.files {
        let swept = try Data(
          contentsOf: URL(fileURLWithPath: SweepRunner.pointFolder(folder, point))
            .appendingPathComponent(file))
        let single = try Data(contentsOf: URL(fileURLWithPath: alone).appendingPathComponent(file))
        #expect(swept == single, "point \(point.index) \(file)")
      }
    }

    // The table: header = point, varied keys, summary columns, status; each row holds the
    // point's own summary row, then `ok` and an empty error.
    let table = try String(contentsOfFile: first.tablePath, encoding: .utf8)
      .split(separator: "\n")
    #expect(table.count == 5)
    #expect(String(table[0]) == SweepRunner.columns(plan).joined(separator: ","))
    let summary = try String(
      contentsOfFile: SweepRunner.pointFolder(folder, points[3].0) + "/summary.csv",
      encoding: .utf8
    ).split(separator: "\n")
    #expect(String(table[4]) == "3,8,2," + summary[1] + ",ok,")

    // Remove one point; a second run redoes only that one and leaves the others untouched.
    let kept = SweepRunner.pointFolder(folder, points[0].0) + "/summary.csv"
    let before = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date
    try FileManager.default.removeItem(atPath: SweepRunner.pointFolder(folder, points[2].0))
    let second = try SweepRunner.run(
      plan: plan, points: points, shard: nil, folder: folder, jobs: 2, threads: 2,
      options: RunOptions())
    #expect(second.ran == [2] && second.skipped == [0, 1, 3])
    let after = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date
    #expect(before != nil && before == after)
    #expect(
      try String(contentsOfFile: second.tablePath, encoding: .utf8)
        == table.joined(separator: "\n") + "\n")

    // A point whose scenario changed (another seed) is not complete any more.
    let reseeded = try plan.scenario(for: points[0].0) {
      try Self.load($0 + [ScenarioOverride(parsing: "seed=7")])
    }
    let pointFolder = SweepRunner.pointFolder(folder, points[0].0)
    #expect(SweepRunner.isComplete(pointFolder, scenario: points[0].1, options: RunOptions()))
    #expect(!SweepRunner.isComplete(pointFolder, scenario: reseeded, options: RunOptions()))
  }

  @Test func mergedShardsEqualTheUnshardedTable() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let plan = try SweepPlan(axes: [SweepAxis(parsing: "model.moe.top_k=1..3")])
    let whole = root.appendingPathComponent("whole").path
    let outcome = try SweepRunner.run(
      plan: plan, points: try Self.points(plan), shard: nil, folder: whole, jobs: 1, threads: 1,
      options: RunOptions(stepTraceEvery: nil))
    let sharded = root.appendingPathComponent("sharded").path
    let shards = [SweepShard(index: 0, count: 2), SweepShard(index: 1, count: 2)]
    for shard in shards {
      _ = try SweepRunner.run(
        plan: plan, points: try Self.points(plan, shard: shard), shard: shard, folder: sharded,
        jobs: 1, threads: 1, options: RunOptions(stepTraceEvery: nil))
    }
    // Shard 0 ran points 0 and 2, shard 1 ran point 1.
    let shard0 = try TestSupport.readCSV(URL(fileURLWithPath: sharded + "/" + shards[0].tableName))
    #expect(shard0.dropFirst().map { $0[0] } == ["0", "2"])

    try FileManager.default.removeItem(atPath: sharded + "/" + shards[1].tableName)
    #expect(throws: MergeError.self) {
      try SweepMerge.merge(folders: [sharded], output: sharded)
    }
    _ = try SweepRunner.run(
      plan: plan, points: try Self.points(plan, shard: shards[1]), shard: shards[1],
      folder: sharded, jobs: 1, threads: 1, options: RunOptions(stepTraceEvery: nil))
    let merged = try SweepMerge.merge(folders: [sharded], output: sharded)
    #expect(merged.rows == 3)
    #expect(
      try String(contentsOfFile: merged.tablePath, encoding: .utf8)
        == String(contentsOfFile: outcome.tablePath, encoding: .utf8))
  }
}
