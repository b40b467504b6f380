import Foundation
import Testing

@testable import MoESim

/// `moesim run` times a dense scenario (no placement needed) and leaves its expert columns empty.
@Suite struct DenseRunTimingTests {
  static func summary(_ scenario: Scenario) throws -> [String: String] {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    try RunWriter.run(scenario, folder: root.path, threads: 1)
    let table = try TestSupport.readCSV(root.appendingPathComponent("summary.csv"))
    return Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
  }

  @Test func denseRunIsTimed() throws {
    let moe = try TestSupport.quickstart([
      "workload.steps=2", "workload.tokens_per_step=64", "cluster.layout={tp: 2}",
      "cluster.device=h100-sxm",
    ])
    let dense = DenseCounterpart.derive(from: moe, match: .active).scenario
    let row = try Self.summary(dense)
    let seconds = try #require(Double(row["step_time_s"] ?? ""))
    // The step is the roofline of the dense blocks and head, as `CostModel` has it.
    let model = try #require(CostModel(scenario: dense))
    let part = model.stepParts(tokens: 64)[0]
    #expect(abs(seconds - part.busySeconds) <= 1e-12 * seconds)
    // Roofline plus the tp-2 collectives of its 8 blocks (overlap 0).
    let roofline = max(part.flops / model.flopsPerSecond, part.bytes / model.hbmBytesPerSecond)
    let collectives = model.tensorParallelCost(tokens: 64, blocks: 8).seconds
    #expect(collectives > 0)
    #expect(abs(seconds - (roofline + collectives)) <= 1e-12 * seconds)
    let throughput = try #require(Double(row["tokens_per_s"] ?? ""))
    #expect(abs(throughput * seconds - 64) < 1e-9)
    #expect(row["device"] == "h100-sxm" && row["a2a_bytes_per_token"] == "0")
    for empty in [
      "mean_max_over_mean_load", "worst_max_over_mean_load", "straggler_ratio_mean",
      "straggler_ratio_worst", "expert_mfu", "replaced_weight_bytes",
    ] {
      #expect(row[empty] == "", "\(empty)")
    }
    // The MoE it came from still reports its load ratio.
    #expect(Double(try Self.summary(moe)["mean_max_over_mean_load"] ?? "") ?? 0 >= 1)
  }

  @Test func denseRunWithoutADeviceIsNotTimed() throws {
    let moe = try TestSupport.quickstart(["workload.steps=1", "workload.tokens_per_step=16"])
    let row = try Self.summary(DenseCounterpart.derive(from: moe, match: .active).scenario)
    #expect(row["step_time_s"] == "" && row["mean_max_over_mean_load"] == "")
  }
}

/// `summary.csv` says which device memory the run assumed and why.
@Suite struct DeviceMemoryColumnsTests {
  @Test(arguments: [
    ([String](), 81_559.0 / 1024, "default"),
    (["cluster.device=h200"], 143_771.0 / 1024, "cluster.device"),
    (["cluster.device=h200", "cluster.device_memory_gib=100"], 100, "cluster.device_memory_gib"),
  ])
  func memoryAndItsSource(overrides: [String], gibibytes: Double, source: String) throws {
    let scenario = try TestSupport.quickstart(
      ["workload.steps=1", "workload.tokens_per_step=16"] + overrides)
    let row = try DenseRunTimingTests.summary(scenario)
    #expect(row["device_memory_gib"] == CSVField.real(gibibytes).text)
    #expect(row["device_memory_source"] == source)
  }
}
