/// The machine's throughput of 16-lane fused multiply-adds on one thread: the bound of the
/// logits GEMM, `d · E / 16` of them per routing decision.
///
/// Twelve independent chains `a ← a · m + c`: two FMA units of 4-cycle latency need eight in
/// flight to stay busy, so the chains measure throughput, not latency. `m` slightly below 1
/// keeps every value finite and normal. Compiled into each kernel variant, like the kernels.
public enum FMAPeakProbe {
  /// Fused multiply-adds of 16 lanes per round.
  public static let perRound = 12

  /// Runs `rounds` rounds and returns the first lane of the chains' sum, which keeps the work
  /// alive. (An `InlineArray` of the chains compiles to twelve registers.)
  @inlinable @inline(__always)
  public static func run(rounds: Int) -> Float {
    typealias Vector = SIMD16<Float>
    let m = Vector(repeating: 0.999_999), c = Vector(repeating: 1e-7)
    var chains = InlineArray<12, Vector> { Vector(repeating: Float($0 + 1)) }
    for _ in 0..<rounds {
      for chain in chains.indices { chains[chain] = c.addingProduct(chains[chain], m) }
    }
    var sum = Vector()
    for chain in chains.indices { sum += chains[chain] }
    return sum[0]
  }
}
