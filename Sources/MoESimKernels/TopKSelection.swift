/// Partial selection of the k largest values of a row, ties to the lower index, so results are
/// deterministic.
///
/// Rows of at least two 16-value chunks with `k ≤ 16` take a two-pass path. Pass one takes the
/// lane-wise maximum over the whole chunks: 16 values at 16 distinct positions, so their k-th
/// largest, `t`, is a lower bound on the row's k-th largest. Pass two marks the values `≥ t` in
/// vertical vector arithmetic only (one bit per chunk in each lane, then 64 bits to a word so
/// that the loop over them rarely mispredicts), typically a little over k of them, and inserts
/// each into a small sorted list. Shorter rows take one scalar pass through the same insertion,
/// or for `k ≤ 2` a branch-free pass that keeps the best two in registers. The list ranks by
/// value, then by index, so the order in which values are offered does not matter and every path
/// gives the same result. Compiled into each kernel variant.
public enum TopKSelection {
  public typealias Chunk = SIMD16<Float>

  /// Writes the indices of the `k` largest of `values[0..<count]`, largest first, into `indices`
  /// and the values into `best`. Values must not be NaN; ±infinity is allowed.
  @inlinable @inline(__always)
  public static func select(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    let chunks = count / 16
    if k <= 2 && chunks < 2 {
      selectAtMostTwo(values, count: count, k: k, indices: indices, best: best)
      return
    }
    var list = SortedList(indices: indices, best: best, k: k)
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
    guard !LaneMath.anyNonFinite(laneMaxima) else {
      // Infinite values (masked experts): the vector arithmetic below needs finite maxima.
      for index in 0..<count { list.offer(values[index], at: index) }
      return
    }
    let bound = kthLargest(of: laneMaxima, k: k)
    var group = 0
    while group < chunks {
      // Up to 16 chunks at once, in vertical arithmetic only: bit c of lane i is set when value
      // (group + c)·16 + i is below the bound.
      let groupChunks = min(16, chunks - group)
      var below = SIMD16<UInt32>()
      for chunk in 0..<groupChunks {
        let values = raw.loadUnaligned(fromByteOffset: (group + chunk) * 64, as: Chunk.self)
        below |= LaneMath.lanesBelow(values, bound) &<< UInt32(truncatingIfNeeded: chunk)
      }
      let groupBits = SIMD16<UInt32>(repeating: UInt32(truncatingIfNeeded: (1 << groupChunks) - 1))
      let atLeast = SIMD16<UInt16>(truncatingIfNeeded: ~below & groupBits)
      // Four lanes' 16 bits per 64-bit word: bit b of word q is lane 4q + b / 16, chunk b % 16.
      withUnsafeBytes(of: atLeast) { bits in
        for quarter in 0..<4 {
          var word = bits.loadUnaligned(fromByteOffset: quarter * 8, as: UInt64.self)
          while word != 0 {
            let bit = word.trailingZeroBitCount
            word &= word - 1
            let index = (group + bit & 15) * 16 + quarter * 4 + bit >> 4
            list.offer(values[index], at: index)
          }
        }
      }
      group += groupChunks
    }
    for index in chunks * 16..<count { list.offer(values[index], at: index) }
  }

  /// Selects the top `k` of each of `tokens` rows (`experts` values each, row stride `stride`)
  /// into `tokens × k` indices and values.
  @inlinable @inline(__always)
  public static func selectRows(
    _ rows: UnsafePointer<Float>, stride: Int, tokens: Int, experts: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    for token in 0..<tokens {
      select(
        rows + token * stride, count: experts, k: k, indices: indices + token * k,
        best: best + token * k)
    }
  }

  /// The best `k` values offered so far, largest first; an equal value offered later never
  /// displaces a kept one.
  @usableFromInline
  struct SortedList {
    @usableFromInline let indices: UnsafeMutablePointer<Int32>
    @usableFromInline let best: UnsafeMutablePointer<Float>
    @usableFromInline let k: Int
    @usableFromInline var filled = 0
    @usableFromInline var threshold = -Float.infinity
    @usableFromInline var thresholdIndex = Int.max

    @inlinable @inline(__always)
    init(indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>, k: Int) {
      self.indices = indices
      self.best = best
      self.k = k
      for slot in 0..<k {
        best[slot] = -.infinity
        indices[slot] = -1
      }
    }

    @inlinable @inline(__always)
    mutating func offer(_ value: Float, at index: Int) {
      guard filled < k || precedes(value, index, threshold, thresholdIndex) else { return }
      var slot = min(filled, k - 1)
      while slot > 0 && precedes(value, index, best[slot - 1], Int(indices[slot - 1])) {
        best[slot] = best[slot - 1]
        indices[slot] = indices[slot - 1]
        slot -= 1
      }
      best[slot] = value
      indices[slot] = Int32(truncatingIfNeeded: index)
      if filled < k { filled += 1 }
      threshold = best[k - 1]
      thresholdIndex = Int(indices[k - 1])
    }
  }

  /// Whether `value` at `index` ranks before `other` at `otherIndex`: larger, or equal and
  /// earlier.
  @inlinable @inline(__always)
  static func precedes(_ value: Float, _ index: Int, _ other: Float, _ otherIndex: Int) -> Bool {
    value > other || (value == other && index < otherIndex)
  }

  /// The top one or two of a short row (`k ≤ 2`), held in registers and updated without
  /// branches: the same result as offering each value to a `SortedList`.
  @inlinable @inline(__always)
  static func selectAtMostTwo(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    var first = -Float.infinity
    var firstIndex = Int.max
    var second = -Float.infinity
    var secondIndex = Int.max
    for index in 0..<count {
      let value = values[index]
      let beatsFirst = precedes(value, index, first, firstIndex)
      let beatsSecond = precedes(value, index, second, secondIndex)
      second = beatsFirst ? first : (beatsSecond ? value : second)
      secondIndex = beatsFirst ? firstIndex : (beatsSecond ? index : secondIndex)
      first = beatsFirst ? value : first
      firstIndex = beatsFirst ? index : firstIndex
    }
    best[0] = first
    indices[0] = firstIndex == Int.max ? -1 : Int32(truncatingIfNeeded: firstIndex)
    if k == 2 {
      best[1] = second
      indices[1] = secondIndex == Int.max ? -1 : Int32(truncatingIfNeeded: secondIndex)
    }
  }

  /// The k-th largest of the 16 finite lanes of `chunk` (1 ≤ k ≤ 16), without branches.
  ///
  /// With `g_i` the number of lanes strictly greater than lane i, the lanes with `g_i < k` are
  /// exactly those `≥` the k-th largest value, which is therefore their minimum. The counts come
  /// from 15 rotations of the chunk (unaligned loads from the chunk stored twice in a row), the
  /// minimum from four more. A −0 lane may count a +0 lane as greater; the minimum is then +0,
  /// the same number.
  @inlinable @inline(__always)
  public static func kthLargest(of chunk: Chunk, k: Int) -> Float {
    withUnsafeTemporaryAllocation(of: Chunk.self, capacity: 2) { scratch in
      let raw = UnsafeMutableRawPointer(scratch.baseAddress!)
      raw.storeBytes(of: chunk, as: Chunk.self)
      raw.storeBytes(of: chunk, toByteOffset: 64, as: Chunk.self)
      var greater = SIMD16<Int32>()
      for rotation in 1..<16 {
        let rotated = raw.loadUnaligned(fromByteOffset: rotation * 4, as: Chunk.self)
        // The sign bit of lane − rotated is set exactly when rotated > lane.
        greater &+= unsafeBitCast(
          unsafeBitCast(chunk - rotated, to: SIMD16<UInt32>.self) &>> 31, to: SIMD16<Int32>.self)
      }
      let keep = (greater &- Int32(k)) &>> 31
      var minimum = LaneMath.select(chunk, where: keep, else: Chunk(repeating: .infinity))
      for shift in [8, 4, 2, 1] {
        raw.storeBytes(of: minimum, as: Chunk.self)
        raw.storeBytes(of: minimum, toByteOffset: 64, as: Chunk.self)
        minimum = LaneMath.minimum(
          minimum, raw.loadUnaligned(fromByteOffset: shift * 4, as: Chunk.self))
      }
      return minimum[0]
    }
  }
}
