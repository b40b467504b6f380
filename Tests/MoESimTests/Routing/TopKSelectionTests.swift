import MoESimKernels
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

  /// The reference: a full stable sort, descending, ties to the lower index.
  func sortedPrefix(_ values: [Float], k: Int) -> [Int32] {
    values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
      .prefix(k).map(Int32.init)
  }

  @Test func agreesWithAFullSortOnRandomRows() {
    var generator = Xoshiro256StarStar(seed: 11)
    for _ in 0..<200 {
      let count = Int(generator.next() % 40) + 1
      let k = Int(generator.next() % UInt64(count)) + 1
      // Few distinct values so that ties are common.
      let values = (0..<count).map { _ in Float(generator.next() % 7) }
      #expect(select(values, k: k).0 == sortedPrefix(values, k: k))
    }
  }

  /// Long rows take the two-pass path (k ≤ 16, at least 32 values): ties, signed zeros and
  /// infinities must not change the outcome.
  @Test(arguments: ["distinct", "ties", "zeros", "infinities", "masked"])
  func twoPassPathAgreesWithAFullSort(values kind: String) {
    var generator = Xoshiro256StarStar(seed: 12)
    for _ in 0..<300 {
      let count = 32 + Int(generator.next() % 300)
      let k = 1 + Int(generator.next() % 16)
      let values: [Float] = (0..<count).map { _ in
        let draw = generator.next()
        switch kind {
        case "distinct": return Float(Int64(bitPattern: draw) >> 40) / 1e3
        case "ties": return Float(draw % 5)
        case "zeros": return [0, -0.0, 1, -1][Int(draw % 4)]
        case "infinities": return [-Float.infinity, .infinity, 2, -3][Int(draw % 4)]
        // Mostly −infinity (experts masked out, as group-limited routing does), a few finite.
        default: return draw % 10 == 0 ? Float(draw % 1000) / 7 : -.infinity
        }
      }
      let (indices, best) = select(values, k: k)
      #expect(indices == sortedPrefix(values, k: k), "count \(count), k \(k)")
      #expect(best == indices.map { values[Int($0)] })
    }
  }

  /// Few candidates with one equal pair among them (so the ranks counted without ties do not
  /// add up and are recounted with ties to the lower index), and signed zeros as the equal
  /// pair: the two-pass path still matches a full sort, on every kernel variant.
  @Test(arguments: [Float(7.5), 0])
  func equalPairAmongFewCandidatesGoesToTheLowerIndex(tied: Float) {
    var generator = Xoshiro256StarStar(seed: 15)
    let experts = 256
    let k = 8
    for _ in 0..<50 {
      // Distinct values below −1, then the tied pair and six more near the top.
      var row = (0..<experts).map { _ in -2 - Float(generator.next() % 1_000_000) / 1e3 }
      let places = (0..<experts).shuffled(using: &generator).prefix(8)
      for (rank, place) in places.enumerated() {
        row[place] = rank < 2 ? tied : 10 + Float(rank)
      }
      if tied == 0 { row[places[places.startIndex]] = -0.0 }
      #expect(select(row, k: k).0 == sortedPrefix(row, k: k))
      expectEveryVariantSorts(row, stride: experts, tokens: 1, experts: experts, k: k)
    }
  }

  /// Every compiled kernel variant selects the same rows as a full sort (block entry point).
  @Test func everyKernelVariantAgreesWithAFullSort() {
    var generator = Xoshiro256StarStar(seed: 14)
    let experts = 200
    let stride = 208
    let tokens = 37
    let k = 6
    let rows = (0..<tokens * stride).map { _ in Float(generator.next() % 50) / 3 }
    expectEveryVariantSorts(rows, stride: stride, tokens: tokens, experts: experts, k: k)
  }

  /// Runs every kernel variant's block top-k on `rows` and checks each row's indices and values
  /// against a full sort.
  func expectEveryVariantSorts(_ rows: [Float], stride: Int, tokens: Int, experts: Int, k: Int) {
    for kernels in KernelSet.available {
      var indices = [Int32](repeating: 0, count: tokens * k)
      var best = [Float](repeating: 0, count: tokens * k)
      kernels.topK(rows, stride, tokens, experts, k, &indices, &best)
      for token in 0..<tokens {
        let row = Array(rows[token * stride..<token * stride + experts])
        let chosen = Array(indices[token * k..<(token + 1) * k])
        #expect(chosen == sortedPrefix(row, k: k), "\(kernels.name) E \(experts) k \(k)")
        #expect(Array(best[token * k..<(token + 1) * k]) == chosen.map { row[Int($0)] })
      }
    }
  }

  /// Short rows with k ≤ 2 go sixteen at a time through vector lanes (and the leftover rows
  /// one at a time): ties, signed zeros and infinities included, every variant matches a sort.
  @Test(arguments: ["distinct", "ties", "zeros", "infinities"])
  func shortRowsAgreeWithAFullSort(values kind: String) {
    var generator = Xoshiro256StarStar(seed: 16)
    let stride = 16
    let tokens = 37
    for experts in [1, 2, 3, 8, 13, 16] {
      for k in 1...min(2, experts) {
        let rows: [Float] = (0..<tokens * stride).map { _ in
          let draw = generator.next()
          switch kind {
          case "distinct": return Float(Int64(bitPattern: draw) >> 40) / 1e3
          case "ties": return Float(draw % 3)
          case "zeros": return [0, -0.0, 0.5][Int(draw % 3)]
          default: return draw % 41 == 0 ? -.infinity : Float(draw % 5)
          }
        }
        expectEveryVariantSorts(rows, stride: stride, tokens: tokens, experts: experts, k: k)
      }
    }
  }

  /// With equal lanes (few distinct values) the k-th largest is the minimum of the lanes with
  /// fewer than k greater; with distinct lanes, the one lane with k − 1 greater; ±0 count as
  /// equal.
  @Test func kthLargestOfSixteenLanesMatchesASort() {
    var generator = Xoshiro256StarStar(seed: 15)
    for round in 0..<400 {
      let lanes: [Float] =
        round < 200
        ? (0..<16).map { _ in Float(Int64(generator.next() % 9) - 4) }
        : (0..<16).map { Float($0) - 7.5 }.shuffled(using: &generator)
      let sorted = lanes.sorted(by: >)
      for k in 1...16 {
        #expect(TopKSelection.kthLargest(of: SIMD16(lanes), k: k) == sorted[k - 1])
      }
    }
    var zeros = SIMD16<Float>((0..<16).map { -Float($0) - 1 })
    zeros[3] = -0.0
    zeros[11] = 0
    for k in 1...3 {
      #expect(TopKSelection.kthLargest(of: zeros, k: k) == [0, 0, -1][k - 1])
    }
    #expect(LaneMath.anyNonFinite(SIMD16(repeating: 3)) == false)
    var withInfinity = SIMD16<Float>(repeating: -1e30)
    withInfinity[9] = -.infinity
    #expect(LaneMath.anyNonFinite(withInfinity))
  }

  @Test func laneMaskMarksValuesBelowTheBound() {
    let chunk = SIMD16<Float>(0, -0.0, 1, -1, 2, 0.5, 3, -2, 0, 0, 0, 0, 0, 0, 0, 0.25)
    // Lanes below 0: only 3 and 7 (−0 counts as equal to 0); below 1: all but 2, 4 and 6.
    var belowZero = SIMD16<UInt32>()
    belowZero[3] = 1
    belowZero[7] = 1
    #expect(LaneMath.lanesBelow(chunk, 0) == belowZero)
    var belowOne = SIMD16<UInt32>(repeating: 1)
    for lane in [2, 4, 6] { belowOne[lane] = 0 }
    #expect(LaneMath.lanesBelow(chunk, 1) == belowOne)
    #expect(TopKSelection.kthLargest(of: chunk, k: 2) == 2)
  }

  @Test func laneMaximumAndMinimumMatchPointwise() {
    var generator = Xoshiro256StarStar(seed: 13)
    for _ in 0..<500 {
      let a = SIMD16<Float>(
        (0..<16).map { _ in Float(Int64(bitPattern: generator.next()) >> 50) / 7 })
      let b = SIMD16<Float>(
        (0..<16).map { _ in Float(Int64(bitPattern: generator.next()) >> 50) / 7 })
      #expect(LaneMath.maximum(a, b) == pointwiseMax(a, b))
      #expect(LaneMath.maximum(a, a) == a)
      #expect(LaneMath.minimum(a, b) == pointwiseMin(a, b))
      #expect(LaneMath.minimum(a.lowHalf, b.highHalf) == pointwiseMin(a.lowHalf, b.highHalf))
    }
  }
}
