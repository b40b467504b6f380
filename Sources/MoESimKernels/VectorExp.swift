/// `exp(x)` for 16 floats at once, written out so that every instruction set computes the same
/// bits (the C library's `expf` differs between its FMA and non-FMA variants): only additions,
/// multiplications and fused multiply-adds, each rounded once as IEEE 754 prescribes.
///
/// Cody–Waite range reduction `x = n·ln 2 + r`, |r| ≤ ln 2 / 2, then the degree-6 Taylor
/// polynomial of `e^r` (truncation error r⁷/7! < 1.3e-7, about one float ulp), scaled by 2ⁿ
/// built in the exponent bits. Inputs below −87.3 are clamped there (e^−87.3 ≈ 1.2e-38, a
/// weight of no consequence beside the row maximum's 1); the routers only pass `x ≤ 0`, but a
/// row's padding lanes (masked to zero afterwards) can be far above it, so inputs above 88 are
/// clamped there too (e^88 ≈ 1.7e38 is finite, and finite × 0 is 0, where inf × 0 was NaN).
/// Only lane-wise arithmetic is used (`LaneMath.maximum` for the clamp): Swift's lane-wise
/// comparisons compile to scalar loops.
public enum VectorExp {
  public typealias Vector = SIMD16<Float>

  // Transparent, not merely `@inline(__always)`: the instruction-set variants must inline it
  // into their own code, or they call the baseline copy and its `fmaf` library calls.
  @_transparent
  public static func exp(_ x: Vector) -> Vector {
    let clamped = LaneMath.minimum(
      LaneMath.maximum(x, Vector(repeating: -87.3)), Vector(repeating: 88))
    // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick (no SSE4.1 round needed).
    let shifter = Vector(repeating: 12_582_912)
    let shifted = shifter.addingProduct(clamped, Vector(repeating: 1.442_695_04))
    let n = shifted - shifter
    // ln 2 split into a part exact in float and a correction (Cody & Waite 1980).
    var r = clamped.addingProduct(n, Vector(repeating: -0.693_145_751_953_125))
    r = r.addingProduct(n, Vector(repeating: -1.428_606_765_330_187e-6))
    var p = Vector(repeating: 1.0 / 720)
    p = Vector(repeating: 1.0 / 120).addingProduct(p, r)
    p = Vector(repeating: 1.0 / 24).addingProduct(p, r)
    p = Vector(repeating: 1.0 / 6).addingProduct(p, r)
    p = Vector(repeating: 0.5).addingProduct(p, r)
    p = Vector(repeating: 1).addingProduct(p, r)
    p = Vector(repeating: 1).addingProduct(p, r)
    // 2ⁿ: the integer n sits in the low mantissa bits of `shifted`.
    let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: Vector.self)
    return p * scale
  }
}
