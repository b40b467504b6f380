/// Floating-point operations per token, forward and training, and the totals of a training run.
///
/// Forward, per token attending to `context` positions (Hoffmann et al. 2022, "Training
/// Compute-Optimal Large Language Models", appendix F, counting a multiply-add as 2 FLOPs):
/// - matrix multiplies: 2 × the active weights of every linear layer (attention, FFN, shared and
///   `k` routed experts, the output head; not the embedding lookup, norms or router);
/// - router: 2 · h · E per MoE layer (its softmax and top-k are not counted);
/// - attention: per layer, `2 · heads · d_qk · n` for the scores `QKᵀ` and `2 · heads · d_v · n`
///   for the weighted sum of values (the softmax, `3·heads·n`, is left out), where `n` is the
///   positions attended: `context` under full attention (appendix F takes the full sequence as
///   context, no causal halving), `min(context, w)` in a sliding-window block of window `w`. The
///   average causal count over a sequence of `s` tokens is in `attendedPositions`.
///
/// Training = 3 × forward (the backward pass costs twice the forward: Kaplan et al. 2020, sec.
/// 2.1). `6·N·D` is the rule those papers use, with `N` the parameters a token uses: here the
/// active count; where it parts from the exact count it is through attention at long context and
/// through what `N` includes (embedding, norms).
public struct ComputeCost: Sendable, Equatable {
  /// Positions each token attends to.
  public var context: Int
  public var forwardMatmulFLOPsPerToken: Double
  public var forwardRouterFLOPsPerToken: Double
  public var forwardAttentionFLOPsPerToken: Double
  /// The `N` of `6·N·D`: active parameters as the scenario's convention counts them.
  public var activeParameters: Double
  /// Stored parameters of the main model.
  public var totalParameters: Double
  /// Attention score and value FLOPs per token of one block per position attended,
  /// `2 · heads · (d_qk + d_v)`.
  public var forwardAttentionFLOPsPerPosition: Double
  /// The output head's matrix multiply per logit position (the embedding's when tied).
  public var forwardHeadFLOPsPerToken: Double
  /// Width of the hidden state, for the router's `2 · h · E`.
  public var hiddenSize: Int

  /// Chinchilla's compute-optimal ratio, about 20 training tokens per parameter (Hoffmann et al.
  /// 2022, table 3: 70B parameters ↔ 1.4T tokens).
  public static let chinchillaTokensPerParameter = 20.0

  public init(model: ModelSpec, context: Int) {
    let parts = ParameterBreakdown(model: model)
    let count = ParameterCount(parts, model: model)
    self.context = context
    let hidden = Double(model.hiddenSize)
    var matmul = 0.0
    var router = 0.0
    var attention = 0.0
    let attentionPerPosition =
      2 * Double(model.attention.heads)
      * Double(model.attention.queryKeyHeadDim + model.attention.valueHeadDim)
    hiddenSize = model.hiddenSize
    for block in parts.blocks {
      matmul += Self.nonExpertMatmulFLOPsPerToken(block) + Self.routedMatmulFLOPsPerToken(block)
      router += Self.routerFLOPsPerToken(block, hidden: hidden)
      attention +=
        attentionPerPosition
        * Self.attendedPositions(context: context, window: block.attentionWindow, causalMean: false)
    }
    forwardAttentionFLOPsPerPosition = attentionPerPosition
    // The output head multiplies (a tied head is the embedding matrix); the lookup does not.
    forwardHeadFLOPsPerToken = 2 * (model.tiedEmbeddings ? parts.embedding : parts.head)
    matmul += forwardHeadFLOPsPerToken
    forwardMatmulFLOPsPerToken = matmul
    forwardRouterFLOPsPerToken = router
    forwardAttentionFLOPsPerToken = attention
    activeParameters = count.active
    totalParameters = count.total
  }

  /// Positions a token attends to in a block whose window is `window` (nil: full attention).
  /// The last token of a `context`-token sequence attends to `min(context, w)`; averaged over a
  /// causal sequence (`causalMean`), position `i = 1 … c` attends to `min(i, w)`, which sums to
  /// `(c + 1) / 2` per token when `w ≥ c` and to `(w(w + 1)/2 + (c − w)·w) / c` when `w < c`.
  ///
  /// With a cached prefix of `cachedPrefix` tokens (a prefix-cache hit), the mean is over the
  /// positions `p + 1 … c` that are computed: `(S(c) − S(p)) / (c − p)`, `S(n) = Σ_{i ≤ n}
  /// min(i, w)`.
  public static func attendedPositions(
    context: Int, window: Int?, causalMean: Bool, cachedPrefix: Int = 0
  ) -> Double {
    let positions = Double(context)
    let reach = window.map { Double(min($0, context)) } ?? positions
    guard causalMean else { return reach }
    // Σ_{i = 1 … n} min(i, reach).
    func attended(_ n: Double) -> Double {
      n <= reach ? n * (n + 1) / 2 : reach * (reach + 1) / 2 + (n - reach) * reach
    }
    let prefix = Double(min(max(0, cachedPrefix), context - 1))
    return (attended(positions) - attended(prefix)) / (positions - prefix)
  }

  /// 2 FLOPs per weight of the linear layers of `block` other than its routed experts
  /// (attention projections, dense FFN, shared experts; norms and router excluded).
  static func nonExpertMatmulFLOPsPerToken(_ block: BlockParameters) -> Double {
    2 * (block.nonExpert - block.norms - block.router)
  }
  /// 2 FLOPs per weight of the `k` routed experts a token uses in `block`.
  static func routedMatmulFLOPsPerToken(_ block: BlockParameters) -> Double {
    2 * Double(block.activeExperts) * block.expertParameters
  }
  /// The router's `2 · h · E` (0 on a dense block).
  static func routerFLOPsPerToken(_ block: BlockParameters, hidden: Double) -> Double {
    2 * hidden * Double(block.routedExperts)
  }

  /// Forward FLOPs per token of `block` without its routed experts and without attention's
  /// score and value products: the linear layers and the router (the time model's per-layer
  /// non-expert part; add `forwardAttentionFLOPsPerPosition` times the positions attended).
  public func forwardLinearFLOPsPerToken(nonExpertOf block: BlockParameters) -> Double {
    Self.nonExpertMatmulFLOPsPerToken(block)
      + Self.routerFLOPsPerToken(block, hidden: Double(hiddenSize))
  }

  public var forwardFLOPsPerToken: Double {
    forwardMatmulFLOPsPerToken + forwardRouterFLOPsPerToken + forwardAttentionFLOPsPerToken
  }
  /// Forward and backward: 3 × forward.
  public var trainingFLOPsPerToken: Double { 3 * forwardFLOPsPerToken }
  /// The `6·N` rule per token, with `N` the active parameters.
  public var sixNFLOPsPerToken: Double { 6 * activeParameters }

  /// Training FLOPs for `tokens` tokens, exact count.
  public func trainingFLOPs(tokens: Double) -> Double { trainingFLOPsPerToken * tokens }
  /// Training FLOPs for `tokens` tokens by the `6·N·D` rule.
  public func sixNDFLOPs(tokens: Double) -> Double { sixNFLOPsPerToken * tokens }

  /// Chinchilla-optimal training tokens applied to the total parameters: the model's capacity,
  /// and what the ratio meant for the dense models it was fitted on.
  public var chinchillaTokensForTotal: Double {
    Self.chinchillaTokensPerParameter * totalParameters
  }
  /// The same ratio applied to the active parameters: what it meant for training compute. For a
  /// dense model the two coincide; for an MoE neither is established (Hoffmann et al. fitted only
  /// dense models), so both are reported.
  public var chinchillaTokensForActive: Double {
    Self.chinchillaTokensPerParameter * activeParameters
  }
}
