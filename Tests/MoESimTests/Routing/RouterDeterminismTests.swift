import Testing

@testable import MoESim

/// Every router kind and balancing option gives identical figures for 1 and 3 threads.
@Suite struct RouterDeterminismTests {
  static let configurations: [[String]] = [
    ["router.kind=softmax_topk", "router.score_order=topk_then_softmax"],
    [
      "router.kind=softmax_topk", "router.capacity_scope=sequence", "router.pad_to_capacity=true",
      "router.sequence_aux_loss=true", "router.aux_bias_coeff=0.5",
    ],
    [
      "router.kind=sigmoid_topk", "router.n_group=4", "router.topk_group=2",
      "router.bias_update_rate=0.01", "router.routed_scaling_factor=2.5",
    ],
    ["router.kind=switch", "model.moe.top_k=1"],
    ["router.kind=gshard_top2"],
    ["router.kind=expert_choice"],
    ["router.kind=hash"],
    ["router.kind=noisy_topk", "router.noise_std=0.5"],
  ]

  @Test(arguments: configurations)
  func identicalForAnyThreadCount(overrides: [String]) throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + ["model.layers=3", "workload.vocab_size=2048"] + overrides)
    func trace(_ threads: Int) throws -> [LayerStepMetrics] {
      var rows: [LayerStepMetrics] = []
      _ = try Simulation(scenario: scenario).run(threads: threads) { rows += $1 }
      return rows
    }
    let one = try trace(1)
    #expect(try trace(3) == one)
    // Layers 1 and 2 are MoE (layer 0 is dense), 3 steps.
    #expect(one.count == 3 * 2)
  }
}
