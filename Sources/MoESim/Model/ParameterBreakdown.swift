/// The parameters of one transformer block, split the way a parallel layout shards them:
/// non-expert pieces (sharded by tensor parallelism) and routed experts (sharded by expert
/// parallelism). Counts are scalars, in `Double` (exact below 2^53).
public struct BlockParameters: Sendable, Equatable {
  /// Q/K/V (or MLA latent) and output projections with their biases.
  public var attention: Double
  /// The block's two norms, plus QK norms and MLA latent norms where the model has them.
  public var norms: Double
  /// The dense feed-forward block; 0 on MoE blocks.
  public var denseFFN: Double
  /// All shared experts together, with the shared-expert gate; 0 on dense blocks.
  public var sharedExperts: Double
  /// Router weights and bias; 0 on dense blocks.
  public var router: Double
  /// Routed experts (`E`); 0 on dense blocks.
  public var routedExperts: Int
  /// Routed experts used per token (`k`); 0 on dense blocks.
  public var activeExperts: Int
  /// Parameters of one routed expert.
  public var expertParameters: Double
  /// Positions the block's attention reaches back (sliding-window attention); nil for full
  /// attention. Not a parameter, but it sizes the block's KV cache and attention FLOPs, so
  /// blocks that differ only in it are different kinds.
  public var attentionWindow: Int?

  /// Everything but the routed experts: replicated across expert-parallel ranks.
  public var nonExpert: Double { attention + norms + denseFFN + sharedExperts + router }
  /// All parameters of the block.
  public var total: Double { nonExpert + Double(routedExperts) * expertParameters }
  /// The parameters one token's forward pass uses.
  public var active: Double { nonExpert + Double(activeExperts) * expertParameters }
}

/// Every parameter of a model, piece by piece: the single source from which the parameter table
/// (`ParameterCount`), memory per device (`DeviceMemory`) and FLOPs (`ComputeCost`) are derived.
public struct ParameterBreakdown: Sendable, Equatable {
  /// Input embedding, `vocab × hidden`.
  public var embedding: Double
  /// Output head, `vocab × hidden`; 0 when tied to the embedding.
  public var head: Double
  /// The norm before the output head.
  public var finalNorm: Double
  /// One entry per transformer block, in order.
  public var blocks: [BlockParameters]
  /// The transformer block of each multi-token-prediction module.
  public var mtpBlocks: [BlockParameters]
  /// Per MTP module: its two input norms and its output norm (DeepSeek-V3 technical report,
  /// arXiv:2412.19437, sec. 2.2: `RMSNorm` ×2 and the shared head's norm).
  public var mtpNormsPerModule: Double
  /// Per MTP module: the `2h × h` projection `M_k` of the concatenated norms.
  public var mtpProjectionPerModule: Double
  /// Per MTP module, besides its transformer block.
  public var mtpExtraPerModule: Double { mtpNormsPerModule + mtpProjectionPerModule }

  public init(model: ModelSpec) {
    let hidden = Double(model.hiddenSize)
    embedding = Double(model.vocabSize) * hidden
    head = model.tiedEmbeddings ? 0 : Double(model.vocabSize) * hidden
    finalNorm = model.norm.parameters(width: model.hiddenSize)
    // At most four kinds: dense or MoE, full or sliding attention; built once each.
    let denseBlock = Self.block(model, moeLayer: false)
    let moeBlock = Self.block(model, moeLayer: true)
    func kind(of layer: Int) -> BlockParameters {
      var block = model.isMoELayer(layer) ? moeBlock : denseBlock
      block.attentionWindow = model.attention.window(ofLayer: layer)
      return block
    }
    blocks = (0..<model.layers).map(kind)
    // An MTP block takes the kind the next block after the last would have (MoE for DeepSeek-V3,
    // whose block 61 sits past `first_k_dense_replace`).
    mtpBlocks = Array(repeating: kind(of: model.layers), count: model.mtpModules)
    mtpNormsPerModule = 3 * model.norm.parameters(width: model.hiddenSize)
    mtpProjectionPerModule = 2 * hidden * hidden
  }

  /// Parameters of the MTP modules together (their own, not the shared embedding and head).
  public var mtpTotal: Double {
    mtpBlocks.map(\.total).reduce(0, +) + Double(mtpBlocks.count) * mtpExtraPerModule
  }

  /// Parameters one token's pass through the MTP modules uses.
  public var mtpActive: Double {
    mtpBlocks.map(\.active).reduce(0, +) + Double(mtpBlocks.count) * mtpExtraPerModule
  }

  static func block(_ model: ModelSpec, moeLayer: Bool) -> BlockParameters {
    let hidden = Double(model.hiddenSize)
    var block = BlockParameters(
      attention: attention(model.attention, hidden: hidden),
      norms: 2 * model.norm.parameters(width: model.hiddenSize)
        + attentionNorms(model.attention, norm: model.norm),
      denseFFN: 0, sharedExperts: 0, router: 0, routedExperts: 0, activeExperts: 0,
      expertParameters: 0)
    guard moeLayer, let moe = model.moe else {
      block.denseFFN =
        model.ffn.intermediateSize.map {
          feedForward(model.ffn.kind, bias: model.ffn.bias, hidden: hidden, width: Double($0))
        } ?? 0
      return block
    }
    let experts = Double(moe.experts)
    block.routedExperts = moe.experts
    block.activeExperts = moe.topK
    block.expertParameters = feedForward(
      model.ffn.kind, bias: moe.expertBias, hidden: hidden,
      width: Double(moe.expertIntermediateSize))
    block.sharedExperts =
      Double(moe.sharedExperts)
      * feedForward(
        model.ffn.kind, bias: moe.expertBias, hidden: hidden,
        width: Double(moe.sharedExpertIntermediateSize))
    // Qwen2-MoE's `shared_expert_gate` is `nn.Linear(hidden_size, 1, bias=False)`.
    if moe.sharedExpertGate && moe.sharedExperts > 0 { block.sharedExperts += hidden }
    block.router = hidden * experts + (moe.routerBias ? experts : 0)
    return block
  }

  /// Attention projections. MHA/GQA: `h·(q + 2·kv) + q·h` with `q = heads·head_dim`,
  /// `kv = kv_heads·head_dim`. MLA (DeepSeek-V2, arXiv:2405.04434, sec. 2.1.2–2.1.3): query
  /// down `h·r_q` and up `r_q·n·(d_nope + d_rope)` (or direct `h·n·(d_nope + d_rope)` without a
  /// query latent), joint KV down `h·(r_kv + d_rope)`, KV up `r_kv·n·(d_nope + d_v)`, output
  /// `n·d_v·h`. Attention sinks add one scalar per query head.
  static func attention(_ attention: AttentionSpec, hidden: Double) -> Double {
    let heads = Double(attention.heads)
    var parameters: Double
    if let mla = attention.mla {
      let queryWidth = heads * Double(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
      let query = mla.qLoraRank.map { Double($0) * (hidden + queryWidth) } ?? hidden * queryWidth
      let keyValueDown = hidden * Double(mla.kvLoraRank + mla.qkRopeHeadDim)
      let keyValueUp = Double(mla.kvLoraRank) * heads * Double(mla.qkNopeHeadDim + mla.vHeadDim)
      parameters = query + keyValueDown + keyValueUp + heads * Double(mla.vHeadDim) * hidden
    } else {
      let queryWidth = heads * Double(attention.headDim)
      let keyValueWidth = Double(attention.kvHeads * attention.headDim)
      parameters = hidden * (queryWidth + 2 * keyValueWidth) + queryWidth * hidden
      if attention.qkvBias { parameters += queryWidth + 2 * keyValueWidth }
    }
    if attention.outputBias { parameters += hidden }
    if attention.sinks { parameters += heads }
    return parameters
  }

  /// QK norms and MLA's latent norms (`q_a_layernorm` when there is a query latent,
  /// `kv_a_layernorm`).
  static func attentionNorms(_ attention: AttentionSpec, norm: NormKind) -> Double {
    var parameters = 0.0
    if let mla = attention.mla {
      parameters += norm.parameters(width: mla.kvLoraRank)
      if let rank = mla.qLoraRank { parameters += norm.parameters(width: rank) }
    }
    switch attention.qkNorm {
    case .none: break
    case .head:
      parameters += 2 * norm.parameters(width: attention.queryKeyHeadDim)
    case .full:
      let keyHeads = attention.mla == nil ? attention.kvHeads : attention.heads
      parameters += norm.parameters(width: attention.heads * attention.queryKeyHeadDim)
      parameters += norm.parameters(width: keyHeads * attention.queryKeyHeadDim)
    }
    return parameters
  }

  /// One feed-forward block (or expert) of width `width`: 3 matrices for a gated unit, 2 for a
  /// plain MLP, plus biases (one per intermediate matrix output and one on the output).
  static func feedForward(_ kind: FeedForwardKind, bias: Bool, hidden: Double, width: Double)
    -> Double
  {
    let matrices = Double(kind.matrices)
    var parameters = matrices * hidden * width
    if bias { parameters += (matrices - 1) * width + hidden }
    return parameters
  }
}
