import Foundation

/// Draws ranks 0..<n with P(rank r) ∝ (r + 1)^(-s) (Zipf's law over a finite vocabulary) by
/// inverting the cumulative distribution with a binary search.
public struct ZipfSampler: Sendable {
  /// cumulative[r] = P(rank ≤ r); the last entry is exactly 1.
  public let cumulative: [Double]

  /// - Parameters: count: number of ranks (vocabulary size); exponent: `s ≥ 0`.
  public init(count: Int, exponent: Double) {
    var running = 0.0
    var table = [Double](repeating: 0, count: count)
    for rank in 0..<count {
      running += Double(rank + 1).pow(-exponent)
      table[rank] = running
    }
    let total = running
    for rank in 0..<count { table[rank] /= total }
    table[count - 1] = 1
    cumulative = table
  }

  /// The probability of `rank`.
  public func probability(of rank: Int) -> Double {
    rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1]
  }

  /// The smallest rank whose cumulative probability exceeds a uniform draw.
  ///
  /// A binary search without branches on the data (Khuong & Morin 2017, "Array Layouts for
  /// Comparison-Based Searching", the branch-free search of a sorted array): each halving moves
  /// the base by the comparison's 0 or 1 times half, so the ~log₂ n steps never mispredict.
  @inline(__always)
  public func sample(using generator: inout Xoshiro256StarStar) -> Int {
    let uniform = generator.nextUnitDouble()
    return cumulative.withUnsafeBufferPointer { table in
      var base = 0
      var length = table.count
      while length > 1 {
        let half = length >> 1
        base += half * Int(unsafeBitCast(table[base + half - 1] <= uniform, to: UInt8.self))
        length -= half
      }
      // `base` is the answer unless table[base] ≤ uniform too; the last entry is 1 > uniform.
      return base + Int(unsafeBitCast(table[base] <= uniform, to: UInt8.self))
    }
  }
}

extension Double {
  fileprivate func pow(_ exponent: Double) -> Double { Foundation.pow(self, exponent) }
}
