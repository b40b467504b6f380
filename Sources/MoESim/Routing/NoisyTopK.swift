import MoESimKernels

/// Noisy top-k gating (Shazeer et al. 2017, §2.1, eq. 3–5): `H = logits + N(0, σ²)`,
/// `G = softmax(KeepTopK(H, k))`, i.e. top-k of the noisy logits then a softmax over the
/// selected ones. The paper learns σ per expert (`Softplus(x · W_noise)`); here σ is the tunable
/// constant `router.noise_std`. The noise comes from a stream keyed by (seed, step, MoE layer,
/// block), so runs are reproducible. The losses see the noisy logits, as the router does.
struct NoisyTopK: Router {
  let inner: SoftmaxTopK
  let noiseStd: Float

  init(topK: Int, noiseStd: Float, limit: GroupLimit = .none) {
    inner = SoftmaxTopK(topK: topK, normalizeTopK: true, order: .topKThenSoftmax, limit: limit)
    self.noiseStd = noiseStd
  }

  var slotsPerToken: Int { inner.topK }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    if noiseStd > 0 {
      var generator = block.randomKey.stream(.routerNoise)
      for token in 0..<block.tokens {
        let row = block.logits + token * block.stride
        for expert in 0..<block.experts {
          row[expert] += noiseStd * Float(NormalSampler.next(using: &generator))
        }
      }
    }
    inner.route(block, kernels: kernels, sums: &sums)
  }
}
