import Testing

@testable import MoESim

@Suite struct CapacityScopeTests {
  func apply(_ plan: CapacityPlan, selected: [Int32], gates: [Float], slots: Int) -> (
    routed: [Int32], kept: [Int32], outcome: Capacity.Outcome
  ) {
    var routed = [Int32](repeating: 0, count: plan.experts)
    var kept = [Int32](repeating: 0, count: plan.experts)
    var scratch = Capacity.Scratch(assignments: selected.count, experts: plan.experts)
    let outcome = Capacity.apply(
      plan: plan, selected: selected, gates: gates, tokens: selected.count / slots, slots: slots,
      policy: .position, scratch: &scratch, routed: &routed, kept: &kept)
    return (routed, kept, outcome)
  }

  // Six tokens, top-1, two experts, in two sequences of three: [0, 0, 0] then [1, 1, 0].
  let selected: [Int32] = [0, 0, 0, 1, 1, 0]
  let gates: [Float] = [1, 1, 1, 1, 1, 1]

  @Test func perBatchCapacityCoversTheWholeStep() {
    // C = ceil(6 · 1 / 2 · 1.0) = 3: expert 0 has 4, drops the latest (token 5).
    let plan = CapacityPlan(
      factor: 1, scope: .batch, sequenceLength: 3, topK: 1, experts: 2)
    let result = apply(plan, selected: selected, gates: gates, slots: 1)
    #expect(plan.reported(tokens: 6) == 3)
    #expect(result.routed == [4, 2] && result.kept == [3, 2])
    #expect(result.outcome.capacitySlots == 6)
  }

  @Test func perSequenceCapacityDropsWithinEachSequence() {
    // C = ceil(3 · 1 / 2 · 1.0) = 2 per sequence: the first sequence drops token 2 at expert 0,
    // the second keeps all (two at expert 1, one at expert 0).
    let plan = CapacityPlan(
      factor: 1, scope: .sequence, sequenceLength: 3, topK: 1, experts: 2)
    let result = apply(plan, selected: selected, gates: gates, slots: 1)
    #expect(plan.reported(tokens: 6) == 2)
    #expect(result.routed == [4, 2] && result.kept == [3, 2])
    #expect(result.outcome.tokensWithoutExpert == 1)
    // Two sequences × 2 experts × 2 slots; padded = 8 − 5 kept.
    #expect(result.outcome.capacitySlots == 8)
  }

  @Test func aShorterLastSequenceGetsItsOwnCapacity() {
    // Sequences of 4 and 2 tokens: C = ceil(4/2 · 1) = 2 and ceil(2/2 · 1) = 1.
    let plan = CapacityPlan(
      factor: 1, scope: .sequence, sequenceLength: 4, topK: 1, experts: 2)
    let result = apply(plan, selected: selected, gates: gates, slots: 1)
    // First: [0, 0, 0, 1] keeps 2 at expert 0, 1 at expert 1; second: [1, 0] keeps both.
    #expect(result.kept == [3, 2])
    #expect(result.outcome.capacitySlots == 2 * 2 + 1 * 2)
  }

  @Test func emptySlotsAreNeitherRoutedNorDropped() {
    // Top-2 with GShard-style empty second slots: token 1 has only expert 1.
    let plan = CapacityPlan(factor: nil, scope: .batch, sequenceLength: 2, topK: 2, experts: 2)
    let result = apply(plan, selected: [0, 1, 1, -1], gates: [0.6, 0.4, 0.7, 0], slots: 2)
    #expect(result.routed == [1, 2] && result.kept == [1, 2])
    #expect(result.outcome.tokensWithoutExpert == 0)
    let none = apply(plan, selected: [0, 1, -1, -1], gates: [0.6, 0.4, 0, 0], slots: 2)
    #expect(none.outcome.tokensWithoutExpert == 1)
  }

  @Test func emptySlotsSurviveDropping() {
    // Capacity 1 (C = ceil(2 · 2 / 2 · 0.5)); token 1's only expert (1) is its second routed
    // there, so it is dropped and the token has no expert left.
    let plan = CapacityPlan(factor: 0.5, scope: .batch, sequenceLength: 2, topK: 2, experts: 2)
    let result = apply(plan, selected: [0, 1, 1, -1], gates: [0.6, 0.4, 0.7, 0], slots: 2)
    #expect(result.kept == [1, 1])
    #expect(result.outcome.tokensWithoutExpert == 1)
  }

  @Test func paddedSlotsReachTheStepsFile() throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + [
        "model.layers=3", "workload.vocab_size=2048", "router.pad_to_capacity=true",
        "router.capacity_scope=sequence",
      ])
    var rows: [LayerStepMetrics] = []
    _ = try Simulation(scenario: scenario).run(threads: 2) { rows += $1 }
    // Ten sequences of 100 tokens: C = ceil(100 · 2 / 16 · 1.25) = 16 per sequence.
    for row in rows {
      #expect(row.capacity == 16)
      #expect(row.paddedSlots == 10 * 16 * 16 - row.assignmentsKept)
    }
  }
}
