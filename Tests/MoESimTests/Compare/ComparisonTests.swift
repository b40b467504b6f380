import Foundation
import Testing

@testable import MoESim

/// Dense counterparts, the Chinchilla estimate and the rows of `comparison.csv`.
@Suite struct ComparisonTests {
  @Test func equalActiveWidthIsTopKTimesExpertWidth() throws {
    // Mixtral-8x7B (config.json of mistralai/Mixtral-8x7B-v0.1): intermediate_size 14336 per
    // expert, top-2, no shared expert, every layer MoE: dense width 2 × 14336 = 28672.
    let mixtral = try TestSupport.scenario("mixtral-8x7b.json5")
    let (dense, width) = DenseCounterpart.derive(from: mixtral, match: .active)
    #expect(width == 28672)
    #expect(
      dense.model.moe == nil && dense.cluster.layout.devices == mixtral.cluster.layout.devices)
    // The forward FLOPs then differ by the router alone: 2 · h · E per MoE layer = 2·4096·8·32.
    let moeFLOPs = ComputeCost(model: mixtral.model, context: mixtral.memory.context)
    let denseFLOPs = ComputeCost(model: dense.model, context: dense.memory.context)
    #expect(moeFLOPs.forwardMatmulFLOPsPerToken == denseFLOPs.forwardMatmulFLOPsPerToken)
    #expect(moeFLOPs.forwardFLOPsPerToken - denseFLOPs.forwardFLOPsPerToken == 2 * 4096 * 8 * 32)

    // The quickstart keeps layer 0 dense at 2816 and has 2 × 1408 = 2816 on its MoE layers.
    let quickstart = try TestSupport.quickstart([])
    #expect(DenseCounterpart.derive(from: quickstart, match: .active).ffnWidth == 2816)
    // Rounded to the nearest multiple: 28672 / 1000 = 28.672 → 29000.
    #expect(
      DenseCounterpart.derive(from: mixtral, match: .active, multipleOf: 1000).ffnWidth
        == 29000)
  }

  @Test func equalTotalAndMemoryAreWithinOneWidthStep() throws {
    let mixtral = try TestSupport.scenario("mixtral-8x7b.json5")
    // One unit of width adds 3 SwiGLU matrices × hidden 4096 × 32 layers parameters.
    let step = 3.0 * 4096 * 32
    let total = DenseCounterpart.derive(from: mixtral, match: .total).scenario
    let difference =
      ParameterCount(model: total.model).total - ParameterCount(model: mixtral.model).total
    #expect(abs(difference) <= step / 2)
    let memory = DenseCounterpart.derive(from: mixtral, match: .memory).scenario
    let bytes = DeviceMemory(scenario: memory).worst.totalBytes
    let target = DeviceMemory(scenario: mixtral).worst.totalBytes
    // The chosen width is at least as close to the MoE's memory as the width one below it.
    let below = DenseCounterpart.derive(from: mixtral, match: .memory).ffnWidth - 1
    var smaller = memory
    smaller.model.ffn.intermediateSize = below
    #expect(abs(bytes - target) <= abs(DeviceMemory(scenario: smaller).worst.totalBytes - target))
  }

  @Test func chinchillaMatchesTheHandValue() {
    // 1.69 + 406.4 / (70e9)^0.34 + 410.7 / (1.4e12)^0.28 = 1.93665 (computed with python3),
    // Chinchilla itself (70B parameters, 1.4T tokens).
    #expect(abs(ChinchillaLoss.loss(parameters: 70e9, tokens: 1.4e12) - 1.9366454705587) < 1e-9)
  }

  @Test func rowsUseOneTokenCountAndTheSixNDRule() throws {
    let scenario = try TestSupport.scenario("mixtral-8x7b.json5")
    let variants = Comparison.variants(scenario, matches: [.active, .total], multipleOf: 1)
    let rows = Comparison.rows(variants)
    #expect(
      rows.map { $0[0] } == [
        .text("moe"), .text("dense_equal_active"),
        .text("dense_equal_total"),
      ])
    let column = { (name: String) in Comparison.columns.firstIndex(of: name) ?? -1 }
    let active = ParameterCount(model: scenario.model).active
    // D = 20 × the MoE's active parameters (no compute.training_tokens in the file).
    #expect(rows[1][column("training_tokens")] == .real(20 * active))
    guard case .real(let denseActive) = rows[1][column("active_params")] else {
      Issue.record("active_params is not a number")
      return
    }
    #expect(rows[1][column("training_flops_6nd")] == .real(6 * denseActive * 20 * active))
    // The estimate is given for dense rows only.
    #expect(rows[0][column("loss_estimate_chinchilla")] == .empty)
    #expect(
      rows[1][column("loss_estimate_chinchilla")]
        == .real(ChinchillaLoss.loss(parameters: denseActive, tokens: 20 * active)))
  }
}

/// `moesim compare` runs every variant through the same workload.
@Suite struct ComparisonRunTests {
  @Test func simulatedColumnsComeFromEachVariantsOwnRun() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let scenario = try TestSupport.quickstart([
      "workload.steps=2", "workload.tokens_per_step=64", "model.layers=3",
    ])
    let variants = Comparison.variants(scenario, matches: [.active], multipleOf: 1)
    let totals = try Comparison.run(variants, folder: root.path, threads: 1)
    let path = try Comparison.write(variants, totals: totals, folder: root.path)
    let table = try TestSupport.readCSV(URL(fileURLWithPath: path))
    let column = { (name: String) in table[0].firstIndex(of: name) ?? -1 }
    for (row, variant) in zip(table.dropFirst(), ["moe", "dense_equal_active"]) {
      let summary = try TestSupport.readCSV(
        root.appendingPathComponent("\(variant)/summary.csv"))
      let summaryColumn = { (name: String) in summary[0].firstIndex(of: name) ?? -1 }
      #expect(row[column("drop_fraction")] == summary[1][summaryColumn("drop_fraction")])
      #expect(row[column("simulated_tokens")] == "128")  // 2 steps × 64 tokens
    }
    // The MoE drops some of its 64 × 2 assignments per layer at capacity factor 1.25 on this
    // skewed workload; the dense model has no router and drops nothing.
    #expect(Double(table[1][column("drop_fraction")]) ?? 0 > 0)
    #expect(table[2][column("drop_fraction")] == "0")
    #expect(table[2][column("mean_max_over_mean_load")] == "")
  }
}
