/// The machine's throughput of 16-lane fused multiply-adds on one thread: the bound of the
/// logits GEMM, `d · E / 16` of them per routing decision.
///
/// Twelve independent chains `a ← a · m + c`: two FMA units of 4-cycle latency need eight in
/// flight to stay busy, so the chains measure throughput, not latency. `m` slightly below 1
/// keeps every value finite and normal. Compiled into each kernel variant, like the kernels.
public enum FMAPeakProbe {
  /// Fused multiply-adds of 16 lanes per round.
  public static let perRound = 12

  /// Runs `rounds` rounds and returns the sum of the first lanes, which keeps the work alive.
  @inlinable @inline(__always)
  public static func run(rounds: Int) -> Float {
    typealias Vector = SIMD16<Float>
    let m = Vector(repeating: 0.999_999), c = Vector(repeating: 1e-7)
    var a0 = Vector(repeating: 1), a1 = Vector(repeating: 2), a2 = Vector(repeating: 3)
    var a3 = Vector(repeating: 4), a4 = Vector(repeating: 5), a5 = Vector(repeating: 6)
    var a6 = Vector(repeating: 7), a7 = Vector(repeating: 8), a8 = Vector(repeating: 9)
    var a9 = Vector(repeating: 10), a10 = Vector(repeating: 11), a11 = Vector(repeating: 12)
    for _ in 0..<rounds {
      a0 = c.addingProduct(a0, m)
      a1 = c.addingProduct(a1, m)
      a2 = c.addingProduct(a2, m)
      a3 = c.addingProduct(a3, m)
      a4 = c.addingProduct(a4, m)
      a5 = c.addingProduct(a5, m)
      a6 = c.addingProduct(a6, m)
      a7 = c.addingProduct(a7, m)
      a8 = c.addingProduct(a8, m)
      a9 = c.addingProduct(a9, m)
      a10 = c.addingProduct(a10, m)
      a11 = c.addingProduct(a11, m)
    }
    let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
    return sum[0]
  }
}
