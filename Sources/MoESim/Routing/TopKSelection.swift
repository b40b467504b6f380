/// Partial selection of the k largest values of a row: one pass, keeping the best k in a small
/// sorted list. Whole 16-value chunks that cannot beat the current k-th best are skipped with one
/// vector comparison, so after the first few chunks most of a long row costs one compare per 16
/// values. Ties go to the lower index, so results are deterministic.
enum TopKSelection {
  /// Writes the indices of the `k` largest of `values[0..<count]`, largest first, into `indices`
  /// and the values into `best`. `values` may be read in whole chunks of 16 up to
  /// `count` rounded up (router rows are padded).
  @inline(__always)
  static func select(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    for slot in 0..<k {
      best[slot] = -.infinity
      indices[slot] = -1
    }
    var threshold = -Float.infinity
    var filled = 0
    var chunkStart = 0
    while chunkStart < count {
      let chunkEnd = min(chunkStart + 16, count)
      if filled == k && chunkEnd - chunkStart == 16 {
        let chunk = UnsafeRawPointer(values + chunkStart).loadUnaligned(as: SIMD16<Float>.self)
        if !anyGreater(chunk, than: threshold) {
          chunkStart = chunkEnd
          continue
        }
      }
      for index in chunkStart..<chunkEnd {
        let value = values[index]
        // Strictly greater: an equal value with a higher index never displaces a kept one.
        guard value > threshold || filled < k else { continue }
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
      chunkStart = chunkEnd
    }
  }

  /// Whether any lane of `chunk` exceeds `threshold`, in integer vector arithmetic: Swift's
  /// lane-wise float comparisons compile to scalar loops, integer `&`, `&>>` and `wrappedSum`
  /// to vector instructions. `d = chunk − threshold` is > 0 exactly when its bit pattern, read
  /// as an Int32, is > 0; and for an Int32 b, the sign bit of `(0 &− b) & ~b` is set exactly
  /// when b > 0 (−0.0, whose pattern is Int32.min, gives 0).
  @inline(__always)
  static func anyGreater(_ chunk: SIMD16<Float>, than threshold: Float) -> Bool {
    let bits = unsafeBitCast(chunk - SIMD16(repeating: threshold), to: SIMD16<Int32>.self)
    let positive = ((SIMD16<Int32>() &- bits) & ~bits) &>> 31
    return positive.wrappedSum() != 0
  }
}
