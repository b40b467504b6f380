import Foundation
import Testing

@testable import MoESim

/// Expert data parallelism: `tp × dp = 4` devices per stage over `ep = 2` experts ranks make two
/// expert-parallel groups, each serving half the step's tokens; in training each device
/// all-reduces its expert slots' gradients with the other group's device of its rank.
@Suite struct ExpertDataParallelTests {
  static func run(_ overrides: [String]) throws -> (rows: [[String: String]], scenario: Scenario) {
    let (rows, _, scenario) = try runWithSummary(overrides)
    return (rows, scenario)
  }

  /// `devices.csv`'s rows, `summary.csv`'s row and the scenario of a one-step quickstart run.
  static func runWithSummary(_ overrides: [String]) throws -> (
    rows: [[String: String]], summary: [String: String], scenario: Scenario
  ) {
    let scenario = try TestSupport.quickstart(
      [
        "workload.steps=1", "workload.tokens_per_step=512", "workload.sequence_length=64",
        "router.capacity_factor=null", "cluster.device=h100-sxm", "cluster.placement={}",
      ] + overrides)
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    try RunWriter.run(scenario, folder: root.path, threads: 1)
    let table = try TestSupport.readCSV(root.appendingPathComponent("devices.csv"))
    let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(table[0], $0)) }
    let summary = try TestSupport.readCSV(root.appendingPathComponent("summary.csv"))
    return (rows, Dictionary(uniqueKeysWithValues: zip(summary[0], summary[1])), scenario)
  }

  /// The summary scales the first group's figures to the whole cluster: the all-to-all bytes
  /// per token by the `g = 2` groups, the expert MFU over the `ep × pp = 4` devices whose work
  /// `devices.csv`'s two ranks sum.
  @Test func summaryFiguresCountEveryDevice() throws {
    let (rows, summary, scenario) = try Self.runWithSummary(["cluster.layout={pp: 2, dp: 4, ep: 2}"]
    )
    let model = try #require(CostModel(scenario: scenario))
    let bytes = Self.sum(rows, "a2a_intra_bytes") + Self.sum(rows, "a2a_inter_bytes")
    #expect(bytes > 0)
    let perToken = try #require(Double(summary["a2a_bytes_per_token"] ?? ""))
    #expect(abs(perToken - bytes * 2 / 512) <= 1e-12 * perToken)
    let seconds = try #require(Double(summary["step_time_s"] ?? ""))
    let mfu = try #require(Double(summary["expert_mfu"] ?? ""))
    let expected = Self.sum(rows, "expert_flops") / (model.peakFLOPsPerSecond * 4 * seconds)
    #expect(abs(mfu - expected) <= 1e-12 * expected)
  }

  static func sum(_ rows: [[String: String]], _ column: String) -> Double {
    rows.reduce(0) { $0 + (Double($1[column] ?? "") ?? .nan) }
  }

  @Test func eachGroupServesItsShareOfTheTokens() throws {
    let one = try Self.run(["cluster.layout={dp: 2, ep: 2}"])
    let two = try Self.run(["cluster.layout={dp: 4, ep: 2}"])
    let moeLayers = 7.0
    #expect(Self.sum(one.rows, "source_tokens") == 512 * moeLayers)
    #expect(Self.sum(two.rows, "source_tokens") == 256 * moeLayers)
    // Dropless top-2: every token of the group sends two assignments.
    #expect(Self.sum(two.rows, "expert_assignments") == 2 * 256 * moeLayers)
  }

  @Test func trainingAllReducesExpertGradientsOverTheGroups() throws {
    let overrides = ["cluster.layout={dp: 4, ep: 2}", "cluster.cost.mode=training"]
    let (rows, scenario) = try Self.run(overrides)
    let model = try #require(CostModel(scenario: scenario))
    // 16 experts over 2 ranks: 8 slots per device, 2(g − 1)/g = 1 copy of their weights.
    let bytes = 8 * model.expertParameters * scenario.precision.expertWeightBytes
    #expect(bytes > 0 && abs(model.expertGradientBytes - bytes) <= 1e-9 * bytes)
    let perDevice =
      7 * (model.layerWork.gradientBytes + model.expertGradientBytes)
      + model.stepWork.gradientBytes
    for row in rows {
      let gradient = try #require(Double(row["gradient_bytes"] ?? ""))
      #expect(abs(gradient - perDevice) <= 1e-9 * perDevice)
    }
    let inference = try #require(
      CostModel(
        scenario: TestSupport.quickstart([
          "cluster.layout={dp: 4, ep: 2}", "cluster.device=h100-sxm",
        ])))
    #expect(inference.expertGradientBytes == 0)
  }
}
