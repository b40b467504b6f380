import Testing

@testable import MoESim

/// The hash router's collision rule: the next free expert after the hashed one, cyclically.
@Suite struct HashRouterTests {
  /// The pointer table gives the same expert as scanning the experts taken so far, for any
  /// sequence of hashed starts, up to a full layer (k = E).
  @Test(arguments: [1, 2, 17, 64, 1000])
  func pointerTableMatchesTheLinearScan(experts: Int) {
    var random = SplitMix64(seed: UInt64(experts))
    var nextFree = (0..<experts).map { Int32($0) }
    var taken: [Int32] = []
    for _ in 0..<experts {
      let start = Int32(random.next() % UInt64(experts))
      var expected = start
      while taken.contains(expected) { expected = (expected + 1) % Int32(experts) }
      let got = HashRouter.takeFree(from: start, in: &nextFree)
      #expect(got == expected)
      taken.append(got)
    }
    #expect(Set(taken).count == experts, "every expert taken once")
  }
}
