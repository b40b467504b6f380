import MoESimKernels

/// Switch Transformer routing (Fedus et al. 2022, §2.1, eq. 1–2): each token goes to the single
/// expert of highest router probability `p_i = softmax(logits)_i`, and the expert's output is
/// scaled by that (unnormalised) `p_i`. Capacity (`capacity_factor`, eq. 3) and dropping are
/// applied afterwards like every token-choice kind; `normalize_topk` does not apply (it would
/// make every gate 1).
struct SwitchRouter: Router {
  let inner: SoftmaxTopK

  init(limit: GroupLimit = .none) {
    inner = SoftmaxTopK(topK: 1, normalizeTopK: false, limit: limit)
  }

  var slotsPerToken: Int { 1 }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    inner.route(block, kernels: kernels, sums: &sums)
  }
}
