import Testing

@testable import MoESim

/// Consecutive-token overlap with more slots than the scan handles (top-k up to every expert):
/// the set path counts exactly what a brute-force comparison counts.
@Suite struct RoutingLocalityManySlotsTests {
  @Test(arguments: [17, 64])
  func overlapMatchesBruteForce(slots: Int) {
    let tokens = 40, experts = 2 * slots
    var random = SplitMix64(seed: UInt64(slots))
    var selected: [Int32] = []
    for _ in 0..<tokens {
      // `slots` distinct experts, a few slots left empty (-1).
      var pool = (0..<experts).map { Int32($0) }
      for index in stride(from: pool.count - 1, to: 0, by: -1) {
        pool.swapAt(index, Int(random.next() % UInt64(index + 1)))
      }
      selected += pool.prefix(slots).map { random.next() % 7 == 0 ? -1 : $0 }
    }
    let gates = [Float](repeating: 1, count: selected.count)
    let measured = RoutingLocality.measure(
      selected: selected, gates: gates, tokens: tokens, slots: slots, sequenceLength: tokens)
    var shared = 0, sharing = 0
    for token in 1..<tokens {
      let earlier = Set(selected[(token - 1) * slots..<token * slots])
      let count = selected[token * slots..<(token + 1) * slots].filter {
        $0 >= 0 && earlier.contains($0)
      }.count
      shared += count
      if count > 0 { sharing += 1 }
    }
    #expect(measured.sharedChoices == shared)
    #expect(measured.pairsSharingAChoice == sharing)
    #expect(measured.consecutivePairs == tokens - 1)
  }
}
