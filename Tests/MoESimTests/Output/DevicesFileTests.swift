import Foundation
import Testing

@testable import MoESim

/// `devices.csv` from a simulated run with a cluster placement.
@Suite struct DevicesFileTests {
  static let overrides = [
    "workload.tokens_per_step=512", "workload.steps=6", "cluster.layout={tp: 8, ep: 8}",
    "cluster.device=h100-sxm", "cluster.devices_per_node=4",
    "cluster.placement={strategy: \"replicated\", redundant_slots: 8, window_steps: 2,"
      + " replan_every: 3}",
  ]

  func run(_ overrides: [String], threads: Int) throws -> URL {
    let folder = try TestSupport.temporaryFolder().appendingPathComponent("run")
    try RunWriter.run(
      try TestSupport.quickstart(overrides), folder: folder.path, threads: threads)
    return folder
  }

  /// Same bytes for 1 and 3 threads; expert work summed over devices equals the kept
  /// assignments of steps.csv (conservation); re-plans happen exactly before steps 2 and 5.
  @Test func deterministicAndConserving() throws {
    let one = try run(Self.overrides, threads: 1)
    let three = try run(Self.overrides, threads: 3)
    defer {
      for folder in [one, three] {
        try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
      }
    }
    let devices = one.appendingPathComponent("devices.csv")
    #expect(
      try Data(contentsOf: devices) == Data(contentsOf: three.appendingPathComponent("devices.csv"))
    )
    #expect(
      try Data(contentsOf: one.appendingPathComponent("summary.csv"))
        == Data(contentsOf: three.appendingPathComponent("summary.csv")))
    let rows = try TestSupport.readCSV(devices)
    let header = rows[0]
    let column = { (name: String) in header.firstIndex(of: name)! }
    #expect(rows.count == 1 + 6 * 8)
    let steps = try TestSupport.readCSV(one.appendingPathComponent("steps.csv"))
    let kept = steps[0].firstIndex(of: "assignments_kept")!
    for step in 0..<6 {
      let deviceRows = rows.dropFirst().filter { $0[0] == String(step) }
      let work = deviceRows.map { Int($0[column("expert_assignments")])! }.reduce(0, +)
      let keptSum = steps.dropFirst().filter { $0[0] == String(step) }.map { Int($0[kept])! }
        .reduce(0, +)
      #expect(work == keptSum)
      let replaced = deviceRows.map { Int($0[column("replaced_slots")])! }.reduce(0, +)
      #expect((replaced > 0) == (step == 2 || step == 5), "step \(step)")
      // The copy of the re-planned weights is charged to exactly those steps (default on).
      let copy = deviceRows.map { Double($0[column("replan_time_s")])! }.reduce(0, +)
      #expect((copy > 0) == (replaced > 0), "step \(step)")
      #expect(deviceRows.map { $0[column("node")] } == ["0", "0", "0", "0", "1", "1", "1", "1"])
    }
  }

  /// Router kinds whose token-choice slots may be empty (GShard's skipped second expert, -1)
  /// or biased still conserve work: the devices' expert assignments add up to the kept ones.
  @Test(arguments: ["gshard_top2", "sigmoid_topk", "hash"])
  func everyTokenChoiceRouterConservesWork(kind: String) throws {
    let folder = try run(Self.overrides + ["router.kind=\(kind)"], threads: 2)
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let devices = try TestSupport.readCSV(folder.appendingPathComponent("devices.csv"))
    let steps = try TestSupport.readCSV(folder.appendingPathComponent("steps.csv"))
    let work = try #require(devices[0].firstIndex(of: "expert_assignments"))
    let kept = try #require(steps[0].firstIndex(of: "assignments_kept"))
    let deviceWork: Int = devices.dropFirst().map { Int($0[work]) ?? -1 }.reduce(0, +)
    let keptWork: Int = steps.dropFirst().map { Int($0[kept]) ?? -1 }.reduce(0, +)
    #expect(deviceWork == keptWork)
  }

  @Test func expertChoiceWithAPlacementIsRefused() {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(Self.overrides + ["router.kind=expert_choice"])
    }
  }

  /// Decode with 8 tokens: each of the 7 MoE layers touches between k = 2 (every token on
  /// the same two experts) and min(16, 8 × 2) = 16 expert slots, and on this router it touches
  /// more than 2 per layer: a step reads more expert weights than one token activates.
  @Test func smallDecodeBatchTouchesManyExperts() throws {
    let folder = try run(
      [
        "workload.tokens_per_step=8", "workload.sequence_length=8", "workload.steps=2",
        "router.capacity_factor=null", "cluster.layout={tp: 16, ep: 8}",
        "cluster.device=h100-sxm", "cluster.cost.mode=decode", "cluster.placement={}",
      ], threads: 1)
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("devices.csv"))
    let touched = rows[0].firstIndex(of: "expert_slots_touched")!
    for step in ["0", "1"] {
      let perStep = rows.dropFirst().filter { $0[0] == step }.map { Int($0[touched])! }
        .reduce(0, +)
      #expect(perStep > 7 * 2)
      #expect(perStep <= 7 * 16)
    }
  }

  /// Without `cluster.placement` there is no devices.csv and the cluster summary fields are
  /// empty.
  @Test func noPlacementNoDevicesFile() throws {
    let folder = try run(["workload.tokens_per_step=256", "workload.steps=2"], threads: 1)
    defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("devices.csv").path))
    let summary = try TestSupport.readCSV(folder.appendingPathComponent("summary.csv"))
    let index = summary[0].firstIndex(of: "step_time_s")!
    #expect(summary[1][index] == "")
  }
}
