import MoESimKernels

/// Partial selection of the k largest values of a row, ties to the lower index, so results are
/// deterministic.
///
/// Rows of at least two 16-value chunks with `k ≤ 16` take a two-pass path. Pass one takes the
/// lane-wise maximum over the whole chunks: 16 values at 16 distinct positions, so their k-th
/// largest, `t`, is a lower bound on the row's k-th largest. Pass two visits only the values
/// `≥ t` (found 16 at a time with vector arithmetic), typically a little over k of them, and
/// inserts each into a small sorted list, in index order. Any other row takes one scalar pass
/// through the same insertion. Both paths insert the same values in the same order (every value
/// the scalar pass would keep is `≥ t`), so they give identical results.
enum TopKSelection {
  typealias Chunk = SIMD16<Float>

  /// Writes the indices of the `k` largest of `values[0..<count]`, largest first, into `indices`
  /// and the values into `best`. Values must not be NaN; ±infinity is allowed.
  @inline(__always)
  static func select(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    var list = SortedList(indices: indices, best: best, k: k)
    let chunks = count / 16
    guard k <= 16 && chunks >= 2 else {
      for index in 0..<count { list.offer(values[index], at: index) }
      return
    }
    let raw = UnsafeRawPointer(values)
    var laneMaxima = raw.loadUnaligned(as: Chunk.self)
    for chunk in 1..<chunks {
      laneMaxima = LaneMath.maximum(
        laneMaxima, raw.loadUnaligned(fromByteOffset: chunk * 64, as: Chunk.self))
    }
    let bound = kthLargest(of: laneMaxima, k: k)
    guard bound.isFinite else {
      // Infinite values (masked experts): the vector test below needs a finite bound.
      for index in 0..<count { list.offer(values[index], at: index) }
      return
    }
    for chunk in 0..<chunks {
      var lanes = LaneMath.lanesAtLeast(
        raw.loadUnaligned(fromByteOffset: chunk * 64, as: Chunk.self), bound)
      while lanes != 0 {
        let index = chunk * 16 + lanes.trailingZeroBitCount
        lanes &= lanes - 1
        list.offer(values[index], at: index)
      }
    }
    for index in chunks * 16..<count { list.offer(values[index], at: index) }
  }

  /// The best `k` values offered so far, largest first; an equal value offered later never
  /// displaces a kept one.
  struct SortedList {
    let indices: UnsafeMutablePointer<Int32>
    let best: UnsafeMutablePointer<Float>
    let k: Int
    var filled = 0
    var threshold = -Float.infinity

    @inline(__always)
    init(indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>, k: Int) {
      self.indices = indices
      self.best = best
      self.k = k
      for slot in 0..<k {
        best[slot] = -.infinity
        indices[slot] = -1
      }
    }

    @inline(__always)
    mutating func offer(_ value: Float, at index: Int) {
      // Strictly greater: an equal value with a higher index never displaces a kept one.
      guard value > threshold || filled < k else { return }
      var slot = min(filled, k - 1)
      while slot > 0 && !(best[slot - 1] >= value) {
        best[slot] = best[slot - 1]
        indices[slot] = indices[slot - 1]
        slot -= 1
      }
      best[slot] = value
      indices[slot] = Int32(truncatingIfNeeded: index)
      if filled < k { filled += 1 }
      threshold = best[k - 1]
    }
  }

  /// The k-th largest of the 16 lanes of `chunk` (1 ≤ k ≤ 16).
  @inline(__always)
  static func kthLargest(of chunk: Chunk, k: Int) -> Float {
    // Insertion into a descending list of k, in plain memory: element-wise access to a SIMD
    // value that is being modified goes through the stack and stalls on store forwarding.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { scratch in
      let lanes = scratch.baseAddress!
      let top = lanes + 16
      UnsafeMutableRawPointer(lanes).storeBytes(of: chunk, as: Chunk.self)
      var filled = 0
      for lane in 0..<16 {
        let value = lanes[lane]
        guard filled < k || value > top[k - 1] else { continue }
        var slot = min(filled, k - 1)
        while slot > 0 && top[slot - 1] < value {
          top[slot] = top[slot - 1]
          slot -= 1
        }
        top[slot] = value
        if filled < k { filled += 1 }
      }
      return top[k - 1]
    }
  }
}
