import Testing

@testable import MoESim

@Suite struct RoutingLocalityTests {
  /// Two sequences of 3 tokens, top-2; first choices by the larger gate.
  /// Pairs (0,1), (1,2) in sequence 0 and (3,4), (4,5) in sequence 1; (2,3) crosses sequences.
  @Test func countsByHand() {
    let selected: [Int32] = [
      0, 1, /* first 0 */ 1, 0, /* first 1 (gate 0.7) */ 2, 3, /* first 2 */
      2, 5, /* first 2 */ 5, 2, /* first 2: gate 0.6 on slot 1 */ 4, 6, /* first 6 */
    ]
    let gates: [Float] = [0.6, 0.4, 0.7, 0.3, 0.9, 0.1, 0.8, 0.2, 0.4, 0.6, 0.3, 0.7]
    let locality = RoutingLocality.measure(
      selected: selected, gates: gates, tokens: 6, slots: 2, sequenceLength: 3)
    #expect(locality.consecutivePairs == 4)
    // Repeats: (3,4) only (2 and 2); (0,1): 0 vs 1, (1,2): 1 vs 2, (4,5): 2 vs 6.
    #expect(locality.firstChoiceRepeats == 1)
    // Shared: (0,1) {0,1}∩{1,0} = 2; (1,2) 0; (3,4) {2,5}∩{5,2} = 2; (4,5) 0.
    #expect(locality.sharedChoices == 4)
    #expect(locality.pairsSharingAChoice == 2)
    #expect(locality.firstChoiceRepeatRate == 0.25)
    #expect(locality.topKOverlap == 0.5)
    #expect(locality.sharedChoiceRate == 0.5)
  }

  @Test func noPairsWithoutSequences() {
    let locality = RoutingLocality.measure(
      selected: [0, 0, 0], gates: [1, 1, 1], tokens: 3, slots: 1, sequenceLength: 1)
    #expect(locality.consecutivePairs == 0)
    #expect(locality.firstChoiceRepeatRate == nil)
  }

  /// Without context, consecutive tokens are independent: the repeat rate is Σ p_i², 1/E for
  /// balanced routing; the quickstart without domain offsets or bias has 16 experts.
  @Test func independentTokensRepeatAtChance() throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + [
        "workload.domain_offset_scale=0", "router.bias_spread=0", "workload.zipf_exponent=0",
      ])
    let (_, totals) = try SimulationTests().collect(scenario)
    let rate = try #require(totals.locality.firstChoiceRepeatRate)
    // 7 layers × 3 steps × 990 pairs: a binomial standard error of ≈ 0.0016 around ≈ 1/16.
    #expect(abs(rate - 1.0 / 16) < 0.02, "\(rate)")
  }

  /// MaxVio_global from the run's per-expert totals, by hand: 2 layers, 2 experts, routed
  /// (3, 1) and (2, 2) → (3·2/4 − 1 + 2·2/4 − 1) / 2 = 0.25.
  @Test func globalMaxViolationByHand() {
    var totals = RunTotals(layers: [0, 1], experts: 2)
    let counts: [[Int32]] = [[3, 1], [2, 2]]
    for (ordinal, routed) in counts.enumerated() {
      let metrics = LayerStepMetrics(
        step: 0, layer: ordinal, tokens: 4, capacity: nil, assignmentsKept: 4,
        assignmentsDropped: 0, load: LoadStatistics(routed), entropy: 0, auxLoss: 0, zLoss: 0,
        droppedGateFraction: 0, tokensWithoutExpert: 0)
      totals.add(metrics, ordinal: ordinal, routed: routed, kept: routed)
    }
    #expect(totals.maxViolationGlobal == 0.25)
    // Per batch: max/mean 1.5 and 1 → MaxVio 0.5 and 0, mean 0.25 as well.
    #expect(totals.maxViolationBatchMean == 0.25)
  }
}
