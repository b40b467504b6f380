import MoESimKernels

/// GShard top-2 gating (Lepikhin et al. 2021, *GShard*, §2.2 and Algorithm 1): `p =
/// softmax(logits)`, the two best experts with `g1 = p1 / (p1 + p2)`, `g2 = p2 / (p1 + p2)`; the
/// second expert is used only with probability `min(1, 2 · g2)` ("random routing", the policy
/// Mesh-TensorFlow's `_top_2_gating` implements as `uniform < g2 / 0.5`). A skipped second
/// expert leaves an empty slot (-1, gate 0); the first keeps `g1`. Uniforms come from a stream
/// keyed by (seed, step, MoE layer, block), one per token in token order.
struct GShardTop2: Router {
  let inner: SoftmaxTopK

  init(limit: GroupLimit = .none) {
    inner = SoftmaxTopK(topK: 2, normalizeTopK: true, limit: limit)
  }

  var slotsPerToken: Int { 2 }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    inner.route(block, kernels: kernels, sums: &sums)
    var generator = block.randomKey.stream(.gshardSecondExpert)
    for token in 0..<block.tokens {
      let uniform = generator.nextUnitDouble()
      if !(uniform < 2 * Double(block.gates[token * 2 + 1])) {
        block.selected[token * 2 + 1] = -1
        block.gates[token * 2 + 1] = 0
      }
    }
  }
}
