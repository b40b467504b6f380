import Testing

@testable import MoESim

@Suite struct CapacityTests {
  struct Result {
    var routed: [Int32]
    var kept: [Int32]
    var outcome: Capacity.Outcome
  }

  func apply(
    selected: [Int32], gates: [Float], topK: Int, experts: Int, capacity: Int?,
    policy: DropPolicy
  ) -> Result {
    var routed = [Int32](repeating: 0, count: experts)
    var kept = [Int32](repeating: 0, count: experts)
    var scratch = Capacity.Scratch(assignments: selected.count, experts: experts)
    let outcome = Capacity.apply(
      selected: selected, gates: gates, tokens: selected.count / topK, topK: topK,
      experts: experts, capacity: capacity, policy: policy, scratch: &scratch,
      routed: &routed, kept: &kept)
    return Result(routed: routed, kept: kept, outcome: outcome)
  }

  @Test func capacityFormula() {
    // ceil(T·k/E · cf): 4096·8/256·1.25 = 160 exactly; 4·1/2·1.25 = 2.5 → 3.
    #expect(Capacity.perExpert(tokens: 4096, topK: 8, experts: 256, factor: 1.25) == 160)
    #expect(Capacity.perExpert(tokens: 4, topK: 1, experts: 2, factor: 1.25) == 3)
    #expect(Capacity.perExpert(tokens: 10, topK: 2, experts: 3, factor: 1.0) == 7)
    #expect(Capacity.perExpert(tokens: 10, topK: 2, experts: 3, factor: nil) == nil)
  }

  /// Megatron-Core's `min_capacity` raises a smaller capacity and leaves a larger one:
  /// ceil(4 · 1 / 2 · 1.25) = 3 becomes 5 at a floor of 5 and stays 3 at a floor of 2; a
  /// dropless router has no capacity to raise.
  @Test func minimumCapacityIsAFloor() throws {
    #expect(Capacity.perExpert(tokens: 4, topK: 1, experts: 2, factor: 1.25, minimum: 5) == 5)
    #expect(Capacity.perExpert(tokens: 4, topK: 1, experts: 2, factor: 1.25, minimum: 2) == 3)
    #expect(Capacity.perExpert(tokens: 4, topK: 1, experts: 2, factor: nil, minimum: 5) == nil)
    // The quickstart's ceil(4096 · 2 / 16 · 1.25) = 640, floored at 1000.
    let scenario = try TestSupport.quickstart(["router.min_capacity=1000"])
    #expect(scenario.capacityPerExpert == 1000)
    #expect(try TestSupport.quickstart([]).capacityPerExpert == 640)
  }

  // Four tokens, top-1, two experts; expert 0 gets three tokens but holds two.
  let selected: [Int32] = [0, 0, 0, 1]
  let gates: [Float] = [0.9, 0.5, 0.7, 0.8]

  @Test func positionPolicyDropsTheLatestTokens() {
    let result = apply(
      selected: selected, gates: gates, topK: 1, experts: 2, capacity: 2, policy: .position)
    #expect(result.routed == [3, 1])
    #expect(result.kept == [2, 1])
    // Token 2 (gate 0.7) is the latest of expert 0.
    #expect(abs(result.outcome.droppedGateMass - 0.7) < 1e-6)
    #expect(abs(result.outcome.totalGateMass - 2.9) < 1e-6)
    #expect(result.outcome.tokensWithoutExpert == 1)
  }

  @Test func probsPolicyDropsTheLowestGates() {
    let result = apply(
      selected: selected, gates: gates, topK: 1, experts: 2, capacity: 2, policy: .probs)
    #expect(result.kept == [2, 1])
    // Token 1 (gate 0.5) has the lowest gate at expert 0.
    #expect(abs(result.outcome.droppedGateMass - 0.5) < 1e-6)
  }

  @Test func probsPolicyBreaksTiesByTokenOrder() {
    let result = apply(
      selected: [0, 0, 0], gates: [0.5, 0.5, 0.5], topK: 1, experts: 1, capacity: 1,
      policy: .probs)
    #expect(result.kept == [1])
    #expect(abs(result.outcome.droppedGateMass - 1.0) < 1e-6)
  }

  @Test func droplessKeepsEverything() {
    let result = apply(
      selected: selected, gates: gates, topK: 1, experts: 2, capacity: nil, policy: .probs)
    #expect(result.kept == result.routed)
    #expect(result.outcome.droppedGateMass == 0)
  }

  @Test func tokenLosesAllExpertsOnlyWhenEveryAssignmentDrops() {
    // Top-2 over three experts, capacity 1: token 0 keeps both, token 1 loses both (position).
    let result = apply(
      selected: [0, 1, 1, 0, 2, 0], gates: [0.6, 0.4, 0.5, 0.5, 0.9, 0.1], topK: 2, experts: 3,
      capacity: 1, policy: .position)
    #expect(result.routed == [3, 2, 1])
    #expect(result.kept == [1, 1, 1])
    #expect(result.outcome.tokensWithoutExpert == 1)
  }

  @Test(arguments: [DropPolicy.probs, .position])
  func conservationOnRandomRouting(policy: DropPolicy) {
    var generator = Xoshiro256StarStar(seed: 5)
    for _ in 0..<50 {
      let experts = Int(generator.next() % 16) + 1
      let topK = Int(generator.next() % UInt64(experts)) + 1
      let tokens = Int(generator.next() % 64) + 1
      var selected: [Int32] = []
      for _ in 0..<tokens {
        // Distinct experts per token, as a router produces.
        var pool = Array(0..<experts).map(Int32.init)
        for slot in 0..<topK {
          let pick = slot + Int(generator.next() % UInt64(experts - slot))
          pool.swapAt(slot, pick)
          selected.append(pool[slot])
        }
      }
      let gates = selected.map { _ in Float(generator.nextUnitDouble()) }
      let capacity = Capacity.perExpert(
        tokens: tokens, topK: topK, experts: experts, factor: 0.5 + generator.nextUnitDouble())
      let result = apply(
        selected: selected, gates: gates, topK: topK, experts: experts, capacity: capacity,
        policy: policy)
      let kept = result.kept.reduce(0) { $0 + Int($1) }
      #expect(result.routed.reduce(0) { $0 + Int($1) } == tokens * topK)
      #expect(result.kept.allSatisfy { Int($0) <= capacity! })
      #expect(zip(result.kept, result.routed).allSatisfy { $0 == min($1, Int32(capacity!)) })
      #expect(kept <= tokens * topK)
    }
  }
}
