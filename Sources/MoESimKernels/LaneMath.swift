/// Lane-wise comparisons of 16 floats that compile to a handful of vector instructions.
///
/// Swift's own lane-wise comparisons (`.>=`, `pointwiseMax`) go through generic per-lane code
/// that compiles to a scalar loop with a stack round-trip per lane. Two forms compile well
/// instead: a loop over the lanes of a plain `a < b ? … : …` select, which the optimiser turns
/// into one `maxps`/`minps` (their semantics are exactly that select), and integer arithmetic on
/// the sign bit of `a − b`, which for finite `a` and `b` is set exactly when `a < b`, except that
/// `−0 − (+0) = −0` (handled where it matters).
public enum LaneMath {
  public typealias Vector = SIMD16<Float>

  /// The lane-wise maximum of `a` and `b`: `b` where `a < b`, else `a` — the same bits as
  /// `pointwiseMax`, in one vector `max` instruction.
  @inlinable @inline(__always)
  public static func maximum(_ a: Vector, _ b: Vector) -> Vector {
    var result = a
    for lane in 0..<16 { result[lane] = a[lane] < b[lane] ? b[lane] : a[lane] }
    return result
  }

  /// The lane-wise minimum of `a` and `b`, of any width: `a` where `a < b`, else `b`, in one
  /// vector `min` instruction.
  @inlinable @inline(__always)
  public static func minimum<Lanes: SIMD>(_ a: Lanes, _ b: Lanes) -> Lanes
  where Lanes.Scalar == Float {
    var result = b
    for lane in a.indices { result[lane] = a[lane] < b[lane] ? a[lane] : b[lane] }
    return result
  }

  /// `a` in the lanes where `mask` is all ones, `b` where it is zero.
  @inlinable @inline(__always)
  public static func select(_ a: Vector, where mask: SIMD16<Int32>, else b: Vector) -> Vector {
    let bitsA = unsafeBitCast(a, to: SIMD16<Int32>.self)
    let bitsB = unsafeBitCast(b, to: SIMD16<Int32>.self)
    return unsafeBitCast((bitsA & mask) | (bitsB & ~mask), to: Vector.self)
  }

  /// `a` in the lanes where `mask` is all ones, `b` where it is zero.
  @inlinable @inline(__always)
  public static func select(
    _ a: SIMD16<Int32>, where mask: SIMD16<Int32>, else b: SIMD16<Int32>
  ) -> SIMD16<Int32> {
    (a & mask) | (b & ~mask)
  }

  /// Whether any lane is ±infinity or NaN: its exponent bits are all ones, so adding one unit of
  /// the exponent's lowest bit carries into the sign bit.
  @inlinable @inline(__always)
  public static func anyNonFinite(_ chunk: Vector) -> Bool {
    let exponents = unsafeBitCast(chunk, to: SIMD16<UInt32>.self) & 0x7F80_0000
    return ((exponents &+ 0x0080_0000) &>> 31).wrappedSum() != 0
  }

  /// The sum of the 16 lanes as a tree (halves added pairwise, 4 dependent additions), the same
  /// order on every instruction set. (`SIMD.sum()` adds the lanes one after another.)
  @inlinable @inline(__always)
  public static func sum(_ vector: Vector) -> Float {
    sum(vector.lowHalf + vector.highHalf)
  }

  /// The sum of 8 lanes as the same tree: the bits of `sum` of a 16-lane vector holding them
  /// and 8 zeros (`x + 0 = x` for every `x` but −0, which no caller passes).
  @inlinable @inline(__always)
  public static func sum(_ eight: SIMD8<Float>) -> Float {
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
  }

  /// 1 in the lanes of `chunk` below `bound`, 0 in the others (finite bound and lanes): the sign
  /// bit of `chunk − bound`. A zero bound is taken as −0, so that a −0 lane gives −0 − (−0) = +0
  /// and counts as equal to it.
  @inlinable @inline(__always)
  public static func lanesBelow(_ chunk: Vector, _ bound: Float) -> SIMD16<UInt32> {
    let signedBound = bound == 0 ? -0.0 : bound
    return unsafeBitCast(chunk - Vector(repeating: signedBound), to: SIMD16<UInt32>.self) &>> 31
  }
}
