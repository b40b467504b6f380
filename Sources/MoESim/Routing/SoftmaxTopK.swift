import Foundation

/// Softmax over all experts, then the k most probable (Shazeer et al. 2017; as used by Mixtral,
/// Qwen-MoE and OLMoE): `p = softmax(logits)`, experts = top-k of `p`, gates = their `p`, divided
/// by their sum when `normalizeTopK` (Mixtral's and Qwen's `norm_topk_prob`).
struct SoftmaxTopK: Router {
  let topK: Int
  let normalizeTopK: Bool

  @inline(__always)
  func route(
    logits: UnsafeMutablePointer<Float>, stride: Int, tokens: Int, experts: Int,
    selected: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>,
    probabilitySums: UnsafeMutablePointer<Float>, sums: inout RouterBlockSums
  ) {
    let k = topK
    for token in 0..<tokens {
      let row = logits + token * stride
      let rowSelected = selected + token * k
      let rowGates = gates + token * k
      // Select on logits: softmax is monotone, and logits keep ties that exp() might merge.
      TopKSelection.select(row, count: experts, k: k, indices: rowSelected, best: rowGates)
      let maximum = rowGates[0]
      var total: Float = 0
      var weightedLogits: Float = 0
      for expert in 0..<experts {
        let logit = row[expert]
        let unnormalised = expf(logit - maximum)
        weightedLogits += unnormalised * logit
        row[expert] = unnormalised
        total += unnormalised
      }
      let logSumExp = Double(maximum) + Double(log(total))
      sums.squaredLogSumExp += logSumExp * logSumExp
      // Entropy of softmax: H = logsumexp − Σ p_i · logit_i.
      sums.entropy += logSumExp - Double(weightedLogits / total)
      let inverseTotal = 1 / total
      for expert in 0..<experts {
        probabilitySums[expert] += row[expert] * inverseTotal
      }
      var selectedMass: Float = 0
      for slot in 0..<k {
        let probability = row[Int(rowSelected[slot])] * inverseTotal
        rowGates[slot] = probability
        selectedMass += probability
      }
      if normalizeTopK {
        let inverseMass = 1 / selectedMass
        for slot in 0..<k { rowGates[slot] *= inverseMass }
      }
    }
  }
}
