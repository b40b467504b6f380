/// Lane-wise comparisons of 16 floats written in integer vector arithmetic.
///
/// Swift's own lane-wise comparisons (`.>=`, `pointwiseMax`) go through generic per-lane code
/// that compiles to a scalar loop with a stack round-trip per lane; these compile to a handful of
/// vector instructions. Both rest on one fact: for finite `a` and `b`, the sign bit of `a − b` is
/// set exactly when `a < b`, except that `−0 − (+0) = −0` (handled where it matters).
public enum LaneMath {
  public typealias Vector = SIMD16<Float>

  /// The lane-wise maximum of `a` and `b` (finite values): `b` where `a < b`, else `a` — the
  /// same bits as `pointwiseMax` for non-NaN input.
  @inlinable @inline(__always)
  public static func maximum(_ a: Vector, _ b: Vector) -> Vector {
    select(b, where: unsafeBitCast(a - b, to: SIMD16<Int32>.self) &>> 31, else: a)
  }

  /// The lane-wise minimum of `a` and `b` (finite values): `a` where `a < b`, else `b`.
  @inlinable @inline(__always)
  public static func minimum(_ a: Vector, _ b: Vector) -> Vector {
    select(a, where: unsafeBitCast(a - b, to: SIMD16<Int32>.self) &>> 31, else: b)
  }

  /// `a` in the lanes where `mask` is all ones, `b` where it is zero.
  @inlinable @inline(__always)
  public static func select(_ a: Vector, where mask: SIMD16<Int32>, else b: Vector) -> Vector {
    let bitsA = unsafeBitCast(a, to: SIMD16<Int32>.self)
    let bitsB = unsafeBitCast(b, to: SIMD16<Int32>.self)
    return unsafeBitCast((bitsA & mask) | (bitsB & ~mask), to: Vector.self)
  }

  /// Whether any lane is ±infinity or NaN: its exponent bits are all ones, so adding one unit of
  /// the exponent's lowest bit carries into the sign bit.
  @inlinable @inline(__always)
  public static func anyNonFinite(_ chunk: Vector) -> Bool {
    let exponents = unsafeBitCast(chunk, to: SIMD16<UInt32>.self) & 0x7F80_0000
    return ((exponents &+ 0x0080_0000) &>> 31).wrappedSum() != 0
  }

  /// A 16-bit mask with bit `i` set when lane `i` of `chunk` is `≥ bound` (finite bound and
  /// lanes). A zero bound is taken as −0, so that a −0 lane gives −0 − (−0) = +0 and counts as
  /// equal; the clear sign bits then select each lane's bit and a sum gathers them.
  @inlinable @inline(__always)
  public static func lanesAtLeast(_ chunk: Vector, _ bound: Float) -> UInt32 {
    let signedBound = bound == 0 ? -0.0 : bound
    let difference = unsafeBitCast(chunk - Vector(repeating: signedBound), to: SIMD16<Int32>.self)
    let laneBits = SIMD16<Int32>(
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
    let selected = ~(difference &>> 31) & laneBits
    return UInt32(truncatingIfNeeded: selected.wrappedSum())
  }
}
