import Foundation
import Testing

@testable import MoESim

/// Hand-made logits through every router kind; expected values computed by hand from each
/// kind's formula (sources in the router files).
@Suite struct RouterKindTests {
  // Logits ln(1..4): softmax probabilities 0.1, 0.2, 0.3, 0.4.
  let quarters: [Float] = [log(1), log(2), log(3), log(4)]

  /// The logit whose sigmoid is `s`: ln(s / (1 − s)).
  func logit(_ s: Float) -> Float { log(s / (1 - s)) }

  @Test func topKThenSoftmaxIsSoftmaxOverTheSelectedLogits() {
    let router = SoftmaxTopK(topK: 2, normalizeTopK: false, order: .topKThenSoftmax)
    let routed = RouterHarness.route(router, logits: [quarters])
    #expect(routed.selected == [3, 2])
    // e^{ln 4} / (e^{ln 4} + e^{ln 3}) = 4/7, whatever normalize_topk says.
    #expect(close(routed.gates, [4.0 / 7, 3.0 / 7]))
    // The losses still average the full softmax.
    #expect(close(routed.probabilitySums, [0.1, 0.2, 0.3, 0.4]))
  }

  @Test func scoreOrdersAgreeWithoutBiasWhenNormalised() {
    var generator = Xoshiro256StarStar(seed: 3)
    let rows = (0..<20).map { _ in (0..<24).map { _ in Float(generator.nextUnitDouble() * 6 - 3) } }
    let pre = RouterHarness.route(SoftmaxTopK(topK: 3, normalizeTopK: true), logits: rows)
    let post = RouterHarness.route(
      SoftmaxTopK(topK: 3, normalizeTopK: true, order: .topKThenSoftmax), logits: rows)
    #expect(pre.selected == post.selected)
    #expect(close(pre.gates, post.gates, 1e-5))
  }

  @Test func routedScalingFactorMultipliesTheGates() {
    let routed = RouterHarness.route(
      SoftmaxTopK(topK: 2, normalizeTopK: true, scalingFactor: 2.5), logits: [quarters])
    #expect(close(routed.gates, [2.5 * 4 / 7, 2.5 * 3 / 7]))
  }

  @Test func selectionBiasChangesTheChoiceButNotTheGates() {
    // Biased scores 0.1 + 0.35, 0.2, 0.3, 0.4: expert 0 now ranks first, expert 3 second;
    // gates stay the unbiased probabilities 0.1 and 0.4, normalised: 0.2 and 0.8.
    let routed = RouterHarness.route(
      SoftmaxTopK(topK: 2, normalizeTopK: true), logits: [quarters], bias: [0.35, 0, 0, 0])
    #expect(routed.selected == [0, 3])
    #expect(close(routed.gates, [0.2, 0.8]))
  }

  @Test func sigmoidGatesAreNormalisedAndScaled() {
    // σ = 0.5, 0.75, 0.25, 0.9: top-2 = experts 3, 1; gates 0.9/1.65, 0.75/1.65, × 2.5.
    let logits = [0, log(3), -log(3), log(9)] as [Float]
    let routed = RouterHarness.route(
      SigmoidTopK(topK: 2, normalizeTopK: true, scalingFactor: 2.5), logits: [logits])
    #expect(routed.selected == [3, 1])
    #expect(close(routed.gates, [2.5 * 0.9 / 1.65, 2.5 * 0.75 / 1.65], 1e-5))
    // The losses see σ normalised over all experts: Σσ = 2.4.
    let normalised: [Float] = [0.5, 0.75, 0.25, 0.9].map { $0 / 2.4 }
    #expect(close(routed.rows[0], normalised, 1e-6))
    // z-loss uses the logits' softmax: logsumexp = ln(1 + 3 + 1/3 + 9).
    let logSumExp = log(1 + 3 + 1.0 / 3 + 9)
    #expect(abs(routed.squaredLogSumExp - logSumExp * logSumExp) < 1e-5)
  }

  @Test func groupLimitPicksTheBestGroupsByTheirTopTwo() {
    // Four groups of two: sums of top-2 = 1.0, 1.2, 1.25, 0.4, so groups 2 and 1 are kept;
    // expert 0 (0.9, the best alone) is excluded. Inside: 0.7 (expert 4), then 0.6 (experts 2
    // and 3 tie; the lower index wins).
    let scores: [Float] = [0.9, 0.1, 0.6, 0.6, 0.7, 0.55, 0.2, 0.2]
    let limited = SigmoidTopK(
      topK: 2, normalizeTopK: true, limit: GroupLimit(groups: 4, topKGroups: 2))
    let routed = RouterHarness.route(limited, logits: [scores.map(logit)])
    #expect(routed.selected == [4, 2])
    #expect(close(routed.gates, [0.7 / 1.3, 0.6 / 1.3], 1e-5))
    let free = RouterHarness.route(
      SigmoidTopK(topK: 2, normalizeTopK: true), logits: [scores.map(logit)])
    #expect(free.selected == [0, 4])
  }

  /// The same scores ranked by each group score. Two groups of four: group 0 = 0.9, 0.1, 0.1,
  /// 0.1; group 1 = 0.5, 0.45, 0.45, 0.4. Best expert: 0.9 > 0.5, group 0 kept. Top 2: 1.0 >
  /// 0.95, group 0 kept. Top 3 (Megatron-Core's `k / topk_group` = 3 / 1): 1.1 < 1.4, group 1
  /// kept. One group may be used, and k = 3; equal scores go to the lower expert.
  @Test(arguments: [
    (GroupScore.best, [0, 1, 2] as [Int32]), (.top2, [0, 1, 2]), (.topkPerGroup, [4, 5, 6]),
  ])
  func groupScoresRankGroupsByTheirBestExperts(score: GroupScore, selected: [Int32]) {
    let scores: [Float] = [0.9, 0.1, 0.1, 0.1, 0.5, 0.45, 0.45, 0.4]
    let summed: [GroupScore: Int] = [.best: 1, .top2: 2, .topkPerGroup: 3]
    #expect(score.scoredExperts(topK: 3, topKGroups: 1) == summed[score])
    let limit = GroupLimit(
      groups: 2, topKGroups: 1, scoredExperts: score.scoredExperts(topK: 3, topKGroups: 1))
    let routed = RouterHarness.route(
      SigmoidTopK(topK: 3, normalizeTopK: false, limit: limit), logits: [scores.map(logit)])
    #expect(routed.selected == selected)
  }

  /// Megatron-Core's group score needs `k / topk_group` experts in a group: k = 2 with
  /// topk_group = 4 sums none, and is refused.
  @Test func megatronGroupScoreNeedsAnExpertPerGroup() throws {
    let base = [
      "model.moe.experts=16", "model.moe.top_k=2", "router.kind=sigmoid_topk", "router.n_group=8",
      "router.topk_group=4",
    ]
    _ = try TestSupport.quickstart(base + ["router.group_score=top2"])
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(base + ["router.group_score=topk_per_group"])
    }
  }

  @Test func switchSendsEachTokenToItsMostProbableExpertWithThatProbability() {
    let routed = RouterHarness.route(SwitchRouter(), logits: [quarters, quarters.reversed()])
    #expect(routed.selected == [3, 0])
    #expect(close(routed.gates, [0.4, 0.4]))
  }

  @Test func gshardKeepsTheSecondExpertWithProbabilityTwiceItsGate() {
    // p = 0.75, 0.25 (and two experts at e^-30 ≈ 0): g1 = 0.75, g2 = 0.25, so the second
    // expert is kept with probability 2 · 0.25 = 0.5.
    let row: [Float] = [log(3), 0, -30, -30]
    let tokens = 4000
    let routed = RouterHarness.route(GShardTop2(), logits: Array(repeating: row, count: tokens))
    var keptSecond = 0
    var uniforms = RouterRandomKey(seed: 1, step: 0, layer: 0, block: 0).stream(.gshardSecondExpert)
    for token in 0..<tokens {
      #expect(routed.selected[2 * token] == 0)
      #expect(abs(routed.gates[2 * token] - 0.75) < 1e-6)
      let keep = uniforms.nextUnitDouble() < 0.5
      #expect(routed.selected[2 * token + 1] == (keep ? 1 : -1))
      #expect(routed.gates[2 * token + 1] == (keep ? routed.gates[2 * token + 1] : 0))
      if keep { keptSecond += 1 }
    }
    // Binomial(4000, 0.5): σ ≈ 32 tokens; 5σ bounds.
    #expect(abs(keptSecond - tokens / 2) < 160)
  }

  @Test func hashIsAFixedFunctionOfTheTokenId() {
    let logits = Array(repeating: quarters + quarters, count: 6)
    let ids: [Int32] = [5, 9, 5, 1000, 9, 77]
    let router = HashRouter(topK: 3, seed: 11)
    let routed = RouterHarness.route(router, logits: logits, tokenIds: ids)
    func experts(_ token: Int) -> [Int32] { Array(routed.selected[token * 3..<token * 3 + 3]) }
    #expect(experts(0) == experts(2) && experts(1) == experts(4))
    for token in 0..<6 { #expect(Set(experts(token)).count == 3) }
    #expect(routed.gates.allSatisfy { abs($0 - 1.0 / 3) < 1e-7 })
    // The losses see the gates as the distribution: P sums to the token count.
    #expect(abs(routed.probabilitySums.reduce(0, +) - 6) < 1e-5)
    #expect(routed.squaredLogSumExp == 0)
    // Over many ids the hash spreads evenly: 8000 ids, 8 experts, top-1 → 1000 each ± 5σ.
    let many = (0..<8000).map(Int32.init)
    let spread = RouterHarness.route(
      HashRouter(topK: 1, seed: 11), logits: Array(repeating: quarters + quarters, count: 8000),
      tokenIds: many)
    for expert in 0..<8 {
      let count = spread.selected.filter { $0 == expert }.count
      #expect(abs(count - 1000) < 150, "expert \(expert): \(count)")
    }
  }

  @Test func noisyTopKWithoutNoiseIsTopKThenSoftmax() {
    var generator = Xoshiro256StarStar(seed: 4)
    let rows = (0..<10).map { _ in (0..<8).map { _ in Float(generator.nextUnitDouble()) } }
    let quiet = RouterHarness.route(NoisyTopK(topK: 2, noiseStd: 0), logits: rows)
    let plain = RouterHarness.route(
      SoftmaxTopK(topK: 2, normalizeTopK: false, order: .topKThenSoftmax), logits: rows)
    #expect(quiet.selected == plain.selected && quiet.gates == plain.gates)
  }

  @Test func noisyTopKSpreadsTiedLogits() {
    // Four equal logits: without noise expert 0 always wins the tie; with σ = 1 each expert
    // wins about a quarter of 4000 tokens (σ ≈ 27; 6σ bounds), reproducibly.
    let rows = Array(repeating: [Float](repeating: 0, count: 4), count: 4000)
    let noisy = RouterHarness.route(NoisyTopK(topK: 1, noiseStd: 1), logits: rows)
    for expert in 0..<4 {
      #expect(abs(noisy.selected.filter { $0 == expert }.count - 1000) < 165)
    }
    let again = RouterHarness.route(NoisyTopK(topK: 1, noiseStd: 1), logits: rows)
    #expect(again.selected == noisy.selected)
  }
}
