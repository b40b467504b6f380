/// `log(x)` for 16 positive, finite, normal floats at once, written out in plain arithmetic (as
/// `VectorExp`) so that every instruction set computes the same bits.
///
/// `x = 2ᵉ · m` with `m` in [√½, √2), then `log m = log(1 + f)` by the minimax polynomial of the
/// Cephes library's `logf` (S. L. Moshier, Cephes Math Library 2.x, logf.c; relative error about
/// 1e-7 over that range), and `e · ln 2` added in two parts.
public enum VectorLog {
  public typealias Vector = SIMD16<Float>

  @inlinable @inline(__always)
  public static func log(_ x: Vector) -> Vector {
    let bits = unsafeBitCast(x, to: SIMD16<Int32>.self)
    // Mantissa scaled into [1, 2), exponent unbiased.
    var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: Vector.self)
    var exponent = (bits &>> 23) &- 127
    // Move m ≥ √2 to m / 2 (exponent + 1): the sign bit of √2 − m is set exactly then.
    let large = unsafeBitCast(Vector(repeating: 1.414_213_5) - mantissa, to: SIMD16<Int32>.self)
      &>> 31
    mantissa = LaneMath.select(mantissa * 0.5, where: large, else: mantissa)
    exponent &-= large
    // The exponent as a float: small integers added to 1.5·2²³ land in its low mantissa bits.
    let e = unsafeBitCast(exponent &+ 0x4B40_0000, to: Vector.self) - Vector(repeating: 12_582_912)
    let f = mantissa - 1
    let f2 = f * f
    var p = Vector(repeating: 7.037_683_629_2e-2)
    p = Vector(repeating: -1.151_461_031_0e-1).addingProduct(p, f)
    p = Vector(repeating: 1.167_699_874_0e-1).addingProduct(p, f)
    p = Vector(repeating: -1.242_014_084_6e-1).addingProduct(p, f)
    p = Vector(repeating: 1.424_932_278_7e-1).addingProduct(p, f)
    p = Vector(repeating: -1.666_805_766_5e-1).addingProduct(p, f)
    p = Vector(repeating: 2.000_071_476_5e-1).addingProduct(p, f)
    p = Vector(repeating: -2.499_999_399_3e-1).addingProduct(p, f)
    p = Vector(repeating: 3.333_333_117_4e-1).addingProduct(p, f)
    var y = p * f * f2
    y = y.addingProduct(e, Vector(repeating: -2.121_944_400_5e-4))
    y = y.addingProduct(f2, Vector(repeating: -0.5))
    return (f + y).addingProduct(e, Vector(repeating: 0.693_359_375))
  }
}
