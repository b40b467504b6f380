import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct SoftmaxTopKTests {
  func route(_ logits: [Float], k: Int, normalize: Bool)
    -> (selected: [Int32], gates: [Float], probabilities: [Float], sums: RouterBlockSums)
  {
    let routed = RouterHarness.route(
      SoftmaxTopK(topK: k, normalizeTopK: normalize), logits: [logits])
    var sums = RouterBlockSums()
    sums.squaredLogSumExp = routed.squaredLogSumExp
    sums.entropy = routed.entropy
    return (routed.selected, routed.gates, routed.probabilitySums, sums)
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

  @Test func vectorExpIsAccurateToAFewUlps() {
    var worst: Float = 0
    var x: Float = -87
    while x <= 0 {
      let vector = VectorExp.exp(SIMD16(repeating: x) + SIMD16((0..<16).map { Float($0) * 1e-3 }))
      for lane in 0..<16 {
        let input = x + Float(lane) * 1e-3
        guard input <= 0 else { continue }
        let exact = Foundation.exp(Double(input))
        worst = max(worst, Float(abs(Double(vector[lane]) - exact) / exact))
      }
      x += 0.0173
    }
    // Relative error below 4 float ulps (2⁻²³ ≈ 1.2e-7 each).
    #expect(worst < 4.8e-7, "worst relative error \(worst)")
    #expect(VectorExp.exp(SIMD16(repeating: -200))[0] < 1.3e-38)
    // A padding lane far above the row maximum stays finite, so masking it gives 0, not NaN.
    let huge = VectorExp.exp(SIMD16(repeating: 1e12))[0]
    #expect(huge.isFinite && huge > 1e38)
    #expect(huge * 0 == 0)
  }

  @Test func vectorLogIsAccurateToAFewUlps() {
    // The softmax takes the log of row totals in [1, E]; check far beyond, both sides of 1.
    var worst: Double = 0
    var x: Float = 1e-6
    while x < 1e6 {
      let inputs = SIMD16<Float>((0..<16).map { x * (1 + Float($0) * 0.013) })
      let vector = VectorLog.log(inputs)
      for lane in 0..<16 {
        let exact = Foundation.log(Double(inputs[lane]))
        // Absolute error near log = 0 (x ≈ 1), relative elsewhere.
        worst = max(worst, abs(Double(vector[lane]) - exact) / max(1, abs(exact)))
      }
      x *= 1.37
    }
    #expect(worst < 4.8e-7, "worst error \(worst)")
    #expect(VectorLog.log(SIMD16(repeating: 1))[0] == 0)
    #expect(abs(VectorLog.log(SIMD16(repeating: 256))[5] - 8 * Float(M_LN2)) < 1e-6)
  }

  @Test func laneSumAddsEveryLane() {
    let vector = SIMD16<Float>((0..<16).map { Float($0) + 0.5 })
    #expect(LaneMath.sum(vector) == 128)
  }

  /// The 8-lane sum (two short softmax rows to a vector) gives the bits of the 16-lane sum of
  /// the same lanes and 8 zeros, whatever the rounding along the tree.
  @Test func eightLaneSumHasTheBitsOfSixteenWithZeros() {
    var generator = Xoshiro256StarStar(seed: 21)
    for _ in 0..<500 {
      let lanes = SIMD8<Float>(
        (0..<8).map { _ in Float(Int64(bitPattern: generator.next()) >> 20) * 1e-9 })
      let padded = SIMD16(lowHalf: lanes, highHalf: SIMD8())
      #expect(LaneMath.sum(lanes).bitPattern == LaneMath.sum(padded).bitPattern)
    }
  }

  @Test func auxLossIsOneAtPerfectBalance() {
    // Switch aux loss E·Σ f_i·P_i with f_i = P_i = 1/E.
    let loss = BalancingLoss.switchAuxiliary(
      routed: [Int32](repeating: 16, count: 8), probabilitySums: [Double](repeating: 8, count: 8),
      tokens: 64)
    #expect(abs(loss - 1) < 1e-12)
  }

  @Test func auxLossByHandWhenSkewed() {
    // E = 2, T = 2, k = 1: both tokens to expert 0 (f = [1, 0]), P = [0.75, 0.25] → 2·0.75.
    let loss = BalancingLoss.switchAuxiliary(
      routed: [2, 0], probabilitySums: [1.5, 0.5], tokens: 2)
    #expect(abs(loss - 1.5) < 1e-12)
  }
}
