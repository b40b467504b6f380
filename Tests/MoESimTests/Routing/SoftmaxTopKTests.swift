import Foundation
import Testing

@testable import MoESim

@Suite struct SoftmaxTopKTests {
  /// Routes one row of logits and returns selections, gates, probability sums and block sums.
  func route(_ logits: [Float], k: Int, normalize: Bool)
    -> (selected: [Int32], gates: [Float], probabilities: [Float], sums: RouterBlockSums)
  {
    var row = logits
    var selected = [Int32](repeating: 0, count: k)
    var gates = [Float](repeating: 0, count: k)
    var probabilities = [Float](repeating: 0, count: logits.count)
    var sums = RouterBlockSums()
    SoftmaxTopK(topK: k, normalizeTopK: normalize).route(
      logits: &row, stride: logits.count, tokens: 1, experts: logits.count,
      selected: &selected, gates: &gates, probabilitySums: &probabilities, sums: &sums)
    return (selected, gates, probabilities, sums)
  }

  // Logits ln(1..4) give softmax probabilities 0.1, 0.2, 0.3, 0.4.
  let logits: [Float] = [log(1), log(2), log(3), log(4)]

  @Test func gatesAreTheSelectedProbabilities() {
    let result = route(logits, k: 2, normalize: false)
    #expect(result.selected == [3, 2])
    #expect(abs(result.gates[0] - 0.4) < 1e-6 && abs(result.gates[1] - 0.3) < 1e-6)
    for (probability, expected) in zip(result.probabilities, [0.1, 0.2, 0.3, 0.4] as [Float]) {
      #expect(abs(probability - expected) < 1e-6)
    }
  }

  @Test func normalisedGatesSumToOne() {
    let result = route(logits, k: 2, normalize: true)
    #expect(abs(result.gates[0] - 4.0 / 7) < 1e-6 && abs(result.gates[1] - 3.0 / 7) < 1e-6)
  }

  @Test func zLossAndEntropyByHand() {
    let result = route(logits, k: 1, normalize: true)
    // logsumexp = ln(1 + 2 + 3 + 4) = ln 10.
    #expect(abs(result.sums.squaredLogSumExp - pow(log(10), 2)) < 1e-5)
    let entropy = -[0.1, 0.2, 0.3, 0.4].reduce(0.0) { $0 + $1 * log($1) }
    #expect(abs(result.sums.entropy - entropy) < 1e-5)
  }

  @Test func auxLossIsOneAtPerfectBalance() {
    // Switch aux loss E·Σ f_i·P_i with f_i = P_i = 1/E.
    let loss = BalancingLoss.switchAuxiliary(
      routed: [Int32](repeating: 16, count: 8), probabilitySums: [Double](repeating: 8, count: 8),
      tokens: 64, topK: 2)
    #expect(abs(loss - 1) < 1e-12)
  }

  @Test func auxLossByHandWhenSkewed() {
    // E = 2, T = 2, k = 1: both tokens to expert 0 (f = [1, 0]), P = [0.75, 0.25] → 2·0.75.
    let loss = BalancingLoss.switchAuxiliary(
      routed: [2, 0], probabilitySums: [1.5, 0.5], tokens: 2, topK: 1)
    #expect(abs(loss - 1.5) < 1e-12)
  }
}
