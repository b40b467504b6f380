import Foundation
import Testing

@testable import MoESim

@Suite struct BalancingTests {
  @Test func auxFreeUpdateMovesBiasTowardTheMeanLoad() {
    // Loads 6, 2, 4 (mean 4): b = b + γ · sign(4 − load) = −γ, +γ, 0.
    var bias: [Float] = [0, 0, 0]
    let routed: [Int32] = [6, 2, 4]
    BiasController.updateAuxFree(bias: &bias, routed: routed, experts: 3, rate: 0.001)
    #expect(bias == [-0.001, 0.001, 0])
  }

  @Test func sequenceAuxLossByHand() {
    // Two sequences of two tokens, top-1, two experts.
    // Sequence 0: both tokens to expert 0 (f = 1, 0), scores (0.8, 0.2), (0.6, 0.4):
    //   P = (0.7, 0.3) → 2 · (1 · 0.7) = 1.4.
    // Sequence 1: one to each (f = 0.5, 0.5), scores (0.5, 0.5) twice → 2 · 0.5 = 1.
    // Mean over sequences: 1.2.
    let selected: [Int32] = [0, 0, 0, 1]
    let scores: [Float] = [0.8, 0.2, 0.6, 0.4, 0.5, 0.5, 0.5, 0.5]
    var counts = [Double](repeating: 0, count: 2)
    let loss = BalancingLoss.sequenceAuxiliary(
      selected: selected, slots: 1, scores: scores, tokens: 4, experts: 2, sequenceLength: 2,
      counts: &counts)
    #expect(abs(loss - 1.2) < 1e-6)
  }

  @Test func auxGradientMatchesFiniteDifferences() {
    // L(b) = E · Σ_j f_j · mean_t softmax(l_t + b)_j with f fixed.
    let logits: [[Double]] = [[0.3, -1.2, 0.8], [1.5, 0.1, -0.4], [0.0, 0.2, 0.1]]
    let fractions: [Double] = [0.5, 0.2, 0.3]
    func loss(_ bias: [Double]) -> Double {
      var total = 0.0
      for row in logits {
        let weights = zip(row, bias).map { exp($0 + $1) }
        let sum = weights.reduce(0, +)
        for j in 0..<3 { total += fractions[j] * weights[j] / sum }
      }
      return 3 * total / Double(logits.count)
    }
    let scores: [Float] = logits.flatMap { row -> [Float] in
      let weights = row.map(exp)
      let sum = weights.reduce(0, +)
      return weights.map { Float($0 / sum) }
    }
    var gradient = [Double](repeating: 0, count: 3)
    BalancingLoss.switchAuxiliaryGradient(
      fractions: fractions, scores: scores, tokens: 3, experts: 3, gradient: &gradient)
    for i in 0..<3 {
      var up = [0.0, 0, 0]
      var down = [0.0, 0, 0]
      up[i] = 1e-5
      down[i] = -1e-5
      let numeric = (loss(up) - loss(down)) / 2e-5
      #expect(abs(gradient[i] - numeric) < 1e-5, "expert \(i): \(gradient[i]) vs \(numeric)")
    }
    // A shift of every bias leaves the softmax unchanged, so the components sum to 0.
    #expect(abs(gradient.reduce(0, +)) < 1e-7)
  }

  /// Mean max/mean load of the first and last `count` steps of a run.
  func imbalance(_ overrides: [String], steps: Int = 40, count: Int = 5) throws -> (
    first: Double, last: Double, rows: [LayerStepMetrics]
  ) {
    let scenario = try TestSupport.quickstart(
      [
        "workload.tokens_per_step=512", "workload.steps=\(steps)", "workload.sequence_length=128",
        "workload.vocab_size=2048", "model.layers=2", "router.bias_spread=1.5",
        "router.capacity_factor=null",
      ] + overrides)
    var rows: [LayerStepMetrics] = []
    _ = try Simulation(scenario: scenario).run(threads: 2) { rows += $1 }
    let ratios = rows.map(\.load.maxOverMean)
    let mean = { (slice: ArraySlice<Double>) in slice.reduce(0, +) / Double(slice.count) }
    return (mean(ratios.prefix(count)), mean(ratios.suffix(count)), rows)
  }

  @Test func auxLossFreeBiasBalancesASkewedWorkload() throws {
    let balanced = try imbalance(["router.bias_update_rate=0.02"])
    let unbalanced = try imbalance([])
    // Without the controller the skew stays; with it max/mean falls over the run.
    #expect(balanced.last < balanced.first * 0.7, "\(balanced.first) → \(balanced.last)")
    #expect(balanced.last < unbalanced.last * 0.7)
    #expect(balanced.rows[0].bias == BiasSummary())
    #expect(balanced.rows.last!.bias.standardDeviation > 0)
  }

  @Test func auxGradientCorrectionBalancesASkewedWorkload() throws {
    let corrected = try imbalance(["router.aux_bias_coeff=2"])
    #expect(corrected.last < corrected.first * 0.8, "\(corrected.first) → \(corrected.last)")
  }

  @Test func sigmoidRouterBalancesWithGroupsAndBias() throws {
    let balanced = try imbalance([
      "router.kind=sigmoid_topk", "router.n_group=4", "router.topk_group=2",
      "router.bias_update_rate=0.01",
    ])
    #expect(balanced.last < balanced.first * 0.7, "\(balanced.first) → \(balanced.last)")
  }
}
