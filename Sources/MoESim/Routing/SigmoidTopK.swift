import Foundation
import MoESimKernels

/// Sigmoid-scored top-k routing (DeepSeek-V3 technical report, §2.1.2, eq. 13–16; Megatron-Core
/// `topk_softmax_with_capacity` with `score_function="sigmoid"`):
/// `s_i = σ(l_i)`, experts = top-k of `s_i + b_i` (the selection bias, if any, within the
/// allowed groups), `g_i = s_i / Σ_selected s_j` when `normalizeTopK` (DeepSeek-V3's
/// `norm_topk_prob`), then `g_i · routed_scaling_factor` (2.5 in DeepSeek-V3's config.json).
///
/// The auxiliary losses average the normalised affinities `s_i / Σ_j s_j`, as Megatron-Core's
/// `compute_routing_scores_for_aux_loss` and DeepSeek-V3 eq. 20 do; the z-loss and entropy use
/// the logits' softmax like every other kind.
struct SigmoidTopK: Router {
  let topK: Int
  let normalizeTopK: Bool
  var scalingFactor: Float = 1
  var limit: GroupLimit = .none

  var slotsPerToken: Int { topK }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let k = topK
    let experts = block.experts
    for token in 0..<block.tokens {
      let row = block.logits + token * block.stride
      // z-loss and entropy of softmax(logits), in Double, before the row is overwritten.
      let maximum = Double(SoftmaxTopK.rowMaximum(row, experts))
      var minimum = maximum
      var total = 0.0
      var weighted = 0.0
      for expert in 0..<experts {
        let logit = Double(row[expert])
        let weight = Foundation.exp(logit - maximum)
        total += weight
        weighted += weight * logit
        minimum = Swift.min(minimum, logit)
      }
      let logSumExp = maximum + Foundation.log(total)
      sums.squaredLogSumExp += logSumExp * logSumExp
      sums.entropy += logSumExp - weighted / total
      // Below this logit σ underflows 32-bit floats; such a row keeps its logits in case the
      // normalisations below need them.
      let logits: [Float]? =
        minimum < Self.underflowLogit ? Array(UnsafeBufferPointer(start: row, count: experts)) : nil
      for expert in 0..<experts { row[expert] = Self.sigmoid(row[expert]) }
      let selected = block.selected + token * k
      let gates = block.gates + token * k
      ScoreSelection.select(
        row, experts: experts, k: k, bias: block.selectionBias, limit: limit,
        scratch: block.scoreScratch, indices: selected, gates: gates)
      var selectedMass: Float = 0
      for slot in 0..<k { selectedMass += gates[slot] }
      if normalizeTopK, !selectedMass.isNormal, let logits {
        let chosen = (0..<k).map { Int(selected[$0]) }
        let shares = Self.normalisedSigmoids(chosen.map { logits[$0] })
        for slot in 0..<k { gates[slot] = Float(shares[slot]) * scalingFactor }
      } else {
        let scale = (normalizeTopK ? 1 / selectedMass : 1) * scalingFactor
        for slot in 0..<k { gates[slot] *= scale }
      }
      var affinityTotal: Float = 0
      for expert in 0..<experts { affinityTotal += row[expert] }
      if !affinityTotal.isNormal, let logits {
        let shares = Self.normalisedSigmoids(logits)
        for expert in 0..<experts { row[expert] = Float(shares[expert]) }
      } else {
        let inverse = 1 / affinityTotal
        for expert in 0..<experts { row[expert] *= inverse }
      }
      for expert in 0..<experts { block.probabilitySums[expert] += row[expert] }
    }
  }

  /// Logits below which `σ` may underflow to a subnormal or zero 32-bit float
  /// (σ(−87.3) ≈ 1.18e−38, the smallest normal).
  static let underflowLogit = -80.0

  /// `σ(l_i) / Σ_j σ(l_j)` computed from `log σ` in Double, so that scores too small for a float
  /// (all underflowing to 0, where the ratio is 0/0) get their limit, the softmax of the logits.
  /// `log σ(x) = −log(1 + e^−x)`, evaluated as `x − log1p(e^x)` for negative x.
  static func normalisedSigmoids(_ logits: [Float]) -> [Double] {
    let logSigmoids = logits.map { value -> Double in
      let x = Double(value)
      return x < 0 ? x - Foundation.log1p(Foundation.exp(x)) : -Foundation.log1p(Foundation.exp(-x))
    }
    let largest = logSigmoids.max() ?? 0
    let weights = logSigmoids.map { Foundation.exp($0 - largest) }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }

  /// `σ(x) = 1 / (1 + e^−x)`, computed without overflow for either sign.
  @inline(__always)
  static func sigmoid(_ x: Float) -> Float {
    let e = Foundation.exp(-Double(abs(x)))
    return Float(x >= 0 ? 1 / (1 + e) : e / (1 + e))
  }
}
