import Testing

@testable import MoESim

/// Every router kind and balancing option gives identical figures for 1 and 3 threads (600
/// tokens: two full blocks of 256 and a partial one).
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
      SimulationTests.small + [
        "model.layers=3", "workload.vocab_size=2048", "workload.steps=2",
        "workload.tokens_per_step=600",
      ] + overrides)
    // Every figure of steps.csv and the per-expert totals of experts.csv and summary.csv.
    func trace(_ threads: Int) throws -> ([LayerStepMetrics], RunTotals) {
      var rows: [LayerStepMetrics] = []
      let totals = try Simulation(scenario: scenario).run(threads: threads) { rows += $1 }
      return (rows, totals)
    }
    let one = try trace(1)
    let three = try trace(3)
    #expect(three.0 == one.0 && three.1 == one.1)
    // Layers 1 and 2 are MoE (layer 0 is dense), 2 steps.
    #expect(one.0.count == 2 * 2)
  }
}
