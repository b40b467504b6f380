import Testing

@testable import MoESim

@Suite struct TopKSelectionTests {
  func select(_ values: [Float], k: Int) -> ([Int32], [Float]) {
    var indices = [Int32](repeating: 0, count: k)
    var best = [Float](repeating: 0, count: k)
    values.withUnsafeBufferPointer { values in
      TopKSelection.select(
        values.baseAddress!, count: values.count, k: k, indices: &indices, best: &best)
    }
    return (indices, best)
  }

  @Test func picksLargestFirst() {
    let (indices, best) = select([0.1, 3, -2, 2.5, 7, 0], k: 3)
    #expect(indices == [4, 1, 3])
    #expect(best == [7, 3, 2.5])
  }

  @Test func tiesGoToTheLowerIndex() {
    #expect(select([1, 5, 5, 5, 0], k: 2).0 == [1, 2])
    #expect(select([2, 2, 2, 2], k: 3).0 == [0, 1, 2])
  }

  @Test func kEqualToCountSortsEverything() {
    #expect(select([0.5, -1, 4, 2], k: 4).0 == [2, 3, 0, 1])
  }

  @Test func agreesWithAFullSortOnRandomRows() {
    var generator = Xoshiro256StarStar(seed: 11)
    for _ in 0..<200 {
      let count = Int(generator.next() % 40) + 1
      let k = Int(generator.next() % UInt64(count)) + 1
      // Few distinct values so that ties are common.
      let values = (0..<count).map { _ in Float(generator.next() % 7) }
      let expected = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        .prefix(k).map(Int32.init)
      #expect(select(values, k: k).0 == Array(expected))
    }
  }
}
