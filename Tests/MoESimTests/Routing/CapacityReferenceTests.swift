import Testing

@testable import MoESim

/// `Capacity.apply` against a direct transcription of the drop rules, on random routings with
/// many ties: `probs` keeps, per expert, the `capacity` highest gates (ties to the earlier
/// assignment); `position` keeps the earliest `capacity` assignments.
@Suite struct CapacityReferenceTests {
  func referenceDropped(
    selected: [Int32], gates: [Float], experts: Int, capacity: Int, policy: DropPolicy
  ) -> [Bool] {
    var dropped = [Bool](repeating: false, count: selected.count)
    for expert in 0..<experts {
      var mine = selected.indices.filter { selected[$0] == Int32(expert) }
      if policy == .probs {
        mine.sort { gates[$0] > gates[$1] || (gates[$0] == gates[$1] && $0 < $1) }
      }
      for index in mine.dropFirst(capacity) { dropped[index] = true }
    }
    return dropped
  }

  @Test(arguments: [DropPolicy.probs, .position])
  func agreesWithTheRules(policy: DropPolicy) {
    var generator = Xoshiro256StarStar(seed: 21)
    for _ in 0..<100 {
      // Up to 20 experts, so that a token's slots can span more than one group of 8 flags.
      let experts = 1 + Int(generator.next() % 20)
      let topK = 1 + Int(generator.next() % UInt64(experts))
      let tokens = 1 + Int(generator.next() % 200)
      var selected: [Int32] = []
      for _ in 0..<tokens {
        // k distinct experts per token, as a router selects them.
        var pool = Array(0..<experts)
        for slot in 0..<topK {
          let pick = slot + Int(generator.next() % UInt64(experts - slot))
          pool.swapAt(slot, pick)
          selected.append(Int32(pool[slot]))
        }
      }
      // Gates from a handful of values (ties are common), zero included.
      let gates = selected.map { _ in Float(generator.next() % 5) / 4 }
      let capacity = Int(generator.next() % UInt64(tokens * topK / experts + 2))
      var routed = [Int32](repeating: 0, count: experts)
      var kept = [Int32](repeating: 0, count: experts)
      var scratch = Capacity.Scratch(assignments: selected.count, experts: experts)
      let outcome = Capacity.apply(
        selected: selected, gates: gates, tokens: tokens, topK: topK, experts: experts,
        capacity: capacity, policy: policy, scratch: &scratch, routed: &routed, kept: &kept)
      let dropped = referenceDropped(
        selected: selected, gates: gates, experts: experts, capacity: capacity, policy: policy)
      let expectedKept = (0..<experts).map { expert in
        Int32(selected.indices.filter { selected[$0] == Int32(expert) && !dropped[$0] }.count)
      }
      #expect(kept == expectedKept)
      // Which assignments dropped, not only how many: the dropped gate mass must agree.
      let expectedMass = zip(gates, dropped).filter(\.1).map { Double($0.0) }.reduce(0, +)
      #expect(abs(outcome.droppedGateMass - expectedMass) < 1e-9)
      if dropped.contains(true) {
        #expect(scratch.dropped.prefix(selected.count).map { $0 != 0 } == dropped)
      }
      let allDropped = (0..<tokens).filter { token in
        (token * topK..<(token + 1) * topK).allSatisfy { dropped[$0] }
      }
      #expect(outcome.tokensWithoutExpert == allDropped.count)
    }
  }
}

extension CapacityReferenceTests {
  @Test func selectionMovesTheLargestKeysFirst() {
    var generator = Xoshiro256StarStar(seed: 22)
    for _ in 0..<300 {
      let size = 1 + Int(generator.next() % 300)
      // Distinct keys, as Capacity builds them (the low bits hold the assignment index).
      var keys = (0..<size).map { (generator.next() % 50) << 32 | UInt64($0) }
      let count = Int(generator.next() % UInt64(size + 1))
      let expected = Set(keys.sorted(by: >).prefix(count))
      keys.withUnsafeMutableBufferPointer { Capacity.moveLargestFirst($0, count: count) }
      #expect(Set(keys.prefix(count)) == expected)
      #expect(Set(keys).count == size)
    }
  }
}
