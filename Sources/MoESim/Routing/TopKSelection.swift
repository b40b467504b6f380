/// Partial selection of the k largest values of a short row: one pass, keeping the best k in a
/// small sorted list, so the cost is `O(E)` comparisons plus an insertion only when a value beats
/// the current k-th best. Ties go to the lower index, so results are deterministic.
enum TopKSelection {
  /// Writes the indices of the `k` largest of `values[0..<count]`, largest first, into `indices`
  /// and the values into `best`.
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
    for index in 0..<count {
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
      indices[slot] = Int32(index)
      if filled < k { filled += 1 }
      threshold = best[k - 1]
    }
  }
}
