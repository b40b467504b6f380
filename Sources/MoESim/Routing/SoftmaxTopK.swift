import Foundation
import MoESimKernels

/// Softmax-scored top-k routing (Shazeer et al. 2017; Mixtral, Qwen-MoE, OLMoE; Megatron-Core
/// `topk_softmax_with_capacity` in moe_utils.py with `score_function="softmax"`).
///
/// - `softmaxThenTopK` (`moe_router_pre_softmax`): `p = softmax(logits)`, experts = top-k of
///   `p` (plus the selection bias, if any), gates = their `p`, divided by their sum when
///   `normalizeTopK` (Mixtral's and Qwen's `norm_topk_prob`).
/// - `topKThenSoftmax` (Megatron-Core's default): experts = top-k of the logits (plus the
///   selection bias), gates = softmax over the selected logits. Without a bias this equals the
///   normalised `softmaxThenTopK` (p_j / Σ_selected p = e^{l_j} / Σ_selected e^{l}).
/// Gates are then multiplied by `scalingFactor` (`routed_scaling_factor`). Either way the full
/// softmax `p` is what the auxiliary losses average.
struct SoftmaxTopK: Router {
  let topK: Int
  let normalizeTopK: Bool
  var order: ScoreOrder = .softmaxThenTopK
  var scalingFactor: Float = 1
  var limit: GroupLimit = .none

  var slotsPerToken: Int { topK }

  /// Whether the logits alone decide the selection, so the fast path applies.
  @inline(__always)
  func selectsOnLogits(_ block: RouterBlock) -> Bool {
    block.selectionBias == nil && !limit.isLimiting
  }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let k = topK
    let maxima = block.rowScratch
    let fastSelection = selectsOnLogits(block)
    if fastSelection {
      // Select on logits: softmax is monotone, and logits keep ties that exp() might merge.
      kernels.topK(
        block.logits, block.stride, block.tokens, block.experts, k, block.selected, block.gates)
      for token in 0..<block.tokens { maxima[token] = block.gates[token * k] }
      if order == .topKThenSoftmax {
        for token in 0..<block.tokens {
          Self.softmaxOverSelected(
            block.logits + token * block.stride, block.selected + token * k,
            block.gates + token * k, k)
        }
      }
    } else {
      for token in 0..<block.tokens {
        let row = block.logits + token * block.stride
        maxima[token] = Self.rowMaximum(row, block.experts)
        guard order == .topKThenSoftmax else { continue }
        // Top-k of the biased or group-limited logits, softmax over the selected logits.
        ScoreSelection.select(
          row, experts: block.experts, k: k, bias: block.selectionBias, limit: limit,
          scratch: block.scoreScratch, indices: block.selected + token * k,
          gates: block.gates + token * k)
        Self.softmaxOverSelected(row, block.selected + token * k, block.gates + token * k, k)
      }
    }
    kernels.softmax(
      block.logits, block.stride, block.tokens, block.experts, maxima, block.probabilitySums,
      &sums)
    for token in 0..<block.tokens {
      let row = block.logits + token * block.stride
      let selected = block.selected + token * k
      let gates = block.gates + token * k
      if order == .topKThenSoftmax {
        if scalingFactor != 1 { for slot in 0..<k { gates[slot] *= scalingFactor } }
        continue
      }
      if fastSelection {
        for slot in 0..<k { gates[slot] = row[Int(selected[slot])] }
      } else {
        ScoreSelection.select(
          row, experts: block.experts, k: k, bias: block.selectionBias, limit: limit,
          scratch: block.scoreScratch, indices: selected, gates: gates)
      }
      var selectedMass: Float = 0
      for slot in 0..<k { selectedMass += gates[slot] }
      let scale = (normalizeTopK ? 1 / selectedMass : 1) * scalingFactor
      if normalizeTopK && (!selectedMass.isNormal || !scale.isFinite) {
        // A selection bias can pick experts the router gives (next to) no probability: their
        // mass underflows and 1 / mass overflows. Each gate's share of the mass is still at
        // most 1; with no mass at all the k experts share equally.
        for slot in 0..<k {
          gates[slot] =
            selectedMass > 0 ? gates[slot] / selectedMass * scalingFactor : scalingFactor / Float(k)
        }
      } else if scale != 1 {
        for slot in 0..<k { gates[slot] *= scale }
      }
    }
  }

  func routesTokenTiles(experts: Int, selectionBias: Bool) -> Bool {
    experts <= TokenTiles.maxExperts && !selectionBias && !limit.isLimiting
  }

  /// `route` on token tiles: the fused tile kernel, whose gates for `softmaxThenTopK` are
  /// final; `topKThenSoftmax` then takes the softmax over each token's selected logits.
  func routeTiles(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let k = topK
    let softmaxFirst = order == .softmaxThenTopK
    let width = TokenTiles.width(experts: block.experts)
    var first = 0
    while first < block.tokens {
      first += kernels.tileSoftmaxTopK(
        block.logits + first * width, block.tokens - first, block.experts, k,
        softmaxFirst && normalizeTopK, softmaxFirst ? scalingFactor : 1,
        block.selected + first * k, block.gates + first * k, block.probabilitySums, &sums)
      if first < block.tokens {
        first += routeRows(ofTileAt: first, block, kernels: kernels, sums: &sums)
      }
    }
    guard !softmaxFirst else { return }
    // (Tokens of a tile routed row by row get these gates a second time, the same bits.)
    for token in 0..<block.tokens {
      // Expert e of the token sits at lane token % 16 of its tile's vector e.
      let logits = block.logits + token / 16 * width * 16 + token % 16
      let gates = block.gates + token * k
      Self.softmaxOverSelected(logits, stride: 16, block.selected + token * k, gates, k)
      if scalingFactor != 1 { for slot in 0..<k { gates[slot] *= scalingFactor } }
    }
  }

  /// Routes the tile starting at token `first` row by row with `route` (for a tile with a
  /// non-finite logit, which the tile kernel leaves); returns its tokens.
  func routeRows(
    ofTileAt first: Int, _ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums
  ) -> Int {
    let tokens = min(16, block.tokens - first)
    let width = TokenTiles.width(experts: block.experts)
    let tile = block.logits + first * width
    let rows = block.rowScratch
    for token in 0..<tokens {
      for expert in 0..<16 {
        rows[token * 16 + expert] = expert < block.experts ? tile[expert * 16 + token] : 0
      }
    }
    var rowBlock = block
    rowBlock.logits = rows
    rowBlock.stride = 16
    rowBlock.tokens = tokens
    rowBlock.selected += first * topK
    rowBlock.gates += first * topK
    rowBlock.rowScratch = rows + 16 * 16
    rowBlock.tokenIds += first
    route(rowBlock, kernels: kernels, sums: &sums)
    return tokens
  }

  /// The largest of the first `count` values.
  @inline(__always)
  static func rowMaximum(_ row: UnsafePointer<Float>, _ count: Int) -> Float {
    var maximum = -Float.infinity
    for index in 0..<count { maximum = max(maximum, row[index]) }
    return maximum
  }

  /// Replaces `gates` by the softmax over the selected logits of `row` (expert e at
  /// `row[e · stride]`).
  @inline(__always)
  static func softmaxOverSelected(
    _ row: UnsafePointer<Float>, stride: Int = 1, _ selected: UnsafePointer<Int32>,
    _ gates: UnsafeMutablePointer<Float>, _ k: Int
  ) {
    var maximum = -Float.infinity
    for slot in 0..<k { maximum = max(maximum, row[Int(selected[slot]) * stride]) }
    var total: Float = 0
    for slot in 0..<k {
      let weight = Float(Foundation.exp(Double(row[Int(selected[slot]) * stride] - maximum)))
      gates[slot] = weight
      total += weight
    }
    for slot in 0..<k { gates[slot] /= total }
  }
}
