import Foundation
import Testing

@testable import MoESim

/// The smallest fitting layout: the bounded search returns what trying every layout returns,
/// and stays fast for many layers (it tried every pipeline depth, each estimated block by block:
/// `moesim memory --set model.layers=1000000` ran for minutes; now 1.4 s in release).
@Suite struct SmallestLayoutTests {
  /// Every layout the search may take, estimated in full; the fewest devices, then the least
  /// memory on the fullest device, then the fewest stages, then the smallest tp and ep.
  static func exhaustive(_ scenario: Scenario) -> DeviceMemory? {
    let model = scenario.model
    let base = scenario.cluster.layout
    let heads = model.attention.heads
    let experts = model.moe?.experts ?? 1
    var best: (key: (Int, Double, Int, Int), memory: DeviceMemory)?
    for pp in 1...model.layers {
      for tp in 1...min(heads, scenario.cluster.maxTP) where heads % tp == 0 {
        for ep in 1...experts
        where experts % ep == 0 && (tp * base.dp) % (ep * base.expertTP) == 0 {
          let layout = ParallelLayout(tp: tp, ep: ep, expertTP: base.expertTP, dp: base.dp, pp: pp)
          let memory = DeviceMemory(scenario: scenario, layout: layout)
          guard memory.fits else { continue }
          let key = (layout.devices, memory.worst.totalBytes, pp, tp)
          if let current = best, !(key < current.key) { continue }
          best = (key, memory)
        }
      }
    }
    return best?.memory
  }

  /// Small models whose fit needs tensor, expert or pipeline parallelism, in inference and in
  /// training, with and without a fit.
  static let cases: [[String]] = [
    ["cluster.device_memory_gib=0.5"],
    ["cluster.device_memory_gib=0.2", "model.layers=6"],
    ["cluster.device_memory_gib=0.05", "model.layers=5", "model.moe.first_dense_layers=2"],
    ["memory.mode=training", "cluster.device_memory_gib=2", "model.layers=4"],
    ["memory.mode=training", "memory.recompute=full", "cluster.device_memory_gib=1.5"],
    [
      "memory.mode=training", "memory.zero_stage=3", "cluster.layout.dp=4",
      "cluster.device_memory_gib=1",
    ],
    ["cluster.device_memory_gib=0.001"],
    ["memory.mode=training", "cluster.device_memory_gib=0.3", "model.moe.layer_interval=2"],
  ]

  @Test(arguments: cases)
  func boundedSearchEqualsTryingEveryLayout(overrides: [String]) throws {
    let scenario = try TestSupport.quickstart(overrides + ["memory.context=1024"])
    let found = SmallestLayout.find(for: scenario)
    let reference = Self.exhaustive(scenario)
    #expect(found?.layout == reference?.layout, "\(overrides)")
    #expect(found == reference)
  }

  /// 10⁵ quickstart layers (6.9e12 parameters, 13 TiB of bf16 weights; block by block over every
  /// depth this took minutes in a debug build): the stages together hold every weight, so the
  /// fit needs at least weights / device memory devices.
  @Test func manyLayersFitInBoundedTime() throws {
    let scenario = try TestSupport.quickstart(["model.layers=100000"])
    let smallest = try #require(SmallestLayout.find(for: scenario))
    #expect(smallest.fits)
    let weightBytes = ParameterCount(model: scenario.model).total * scenario.precision.weightBytes
    #expect(Double(smallest.layout.devices) >= weightBytes / smallest.capacityBytes)
    #expect(smallest.stages.count == smallest.layout.pp)
    // Every block sits on exactly one stage.
    #expect(smallest.stages.map { $0.endBlock - $0.firstBlock }.reduce(0, +) == 100_000)
    // In training the first stage keeps every block's activations (1F1B): nothing fits, which
    // the search must find without estimating every depth.
    let training = try TestSupport.quickstart(["model.layers=100000", "memory.mode=training"])
    #expect(SmallestLayout.find(for: training) == nil)
  }

  /// Stage parameters by kind of block times its count equal the block-by-block sum.
  @Test func stageParametersAddUpOverLayers() throws {
    let scenario = try TestSupport.quickstart([
      "model.layers=7", "model.moe.layer_interval=2", "cluster.layout.pp=3",
      "memory.mode=training", "model.mtp_modules=2",
    ])
    let memory = DeviceMemory(scenario: scenario)
    let parts = ParameterBreakdown(model: scenario.model)
    for stage in memory.stages {
      let blocks = parts.blocks[stage.firstBlock..<stage.endBlock]
      let expected = blocks.map { $0.nonExpert + Double($0.routedExperts) * $0.expertParameters }
        .reduce(0, +)
      let held =
        stage.componentParameters.filter { !["embedding", "output_head", "mtp"].contains($0.key) }
        .map(\.value).reduce(0, +) - (stage.index == memory.stages.count - 1 ? parts.finalNorm : 0)
      #expect(abs(held - expected) <= 1e-9 * expected, "stage \(stage.index)")
    }
  }
}
