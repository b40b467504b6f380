import MoESimKernels

/// Softmax over all experts, then the k most probable (Shazeer et al. 2017; as used by Mixtral,
/// Qwen-MoE and OLMoE): `p = softmax(logits)`, experts = top-k of `p`, gates = their `p`, divided
/// by their sum when `normalizeTopK` (Mixtral's and Qwen's `norm_topk_prob`).
struct SoftmaxTopK: Router {
  let topK: Int
  let normalizeTopK: Bool

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let k = topK
    let maxima = block.rowScratch
    // Select on logits: softmax is monotone, and logits keep ties that exp() might merge.
    kernels.topK(
      block.logits, block.stride, block.tokens, block.experts, k, block.selected, block.gates)
    for token in 0..<block.tokens { maxima[token] = block.gates[token * k] }
    kernels.softmax(
      block.logits, block.stride, block.tokens, block.experts, maxima, block.probabilitySums,
      &sums)
    for token in 0..<block.tokens {
      let row = block.logits + token * block.stride
      let selected = block.selected + token * k
      let gates = block.gates + token * k
      var selectedMass: Float = 0
      for slot in 0..<k {
        let probability = row[Int(selected[slot])]
        gates[slot] = probability
        selectedMass += probability
      }
      if normalizeTopK {
        let inverseMass = 1 / selectedMass
        for slot in 0..<k { gates[slot] *= inverseMass }
      }
    }
  }
}
