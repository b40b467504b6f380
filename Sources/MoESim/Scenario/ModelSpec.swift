/// The architecture of a transformer, dense or mixture-of-experts, as far as parameter and
/// compute accounting need it. Sizes are counts of scalars (not bytes).
public struct ModelSpec: Sendable, Equatable, Encodable {
  /// Rows of the token embedding (and of the output head).
  public var vocabSize: Int
  /// Width of the residual stream, `d_model`.
  public var hiddenSize: Int
  /// Number of transformer blocks.
  public var layers: Int
  public var attention: AttentionSpec
  /// The feed-forward block of dense (non-MoE) layers; also the kind of matrices of each expert.
  public var ffn: FeedForwardSpec
  /// Whether the output head shares the input embedding's matrix.
  public var tiedEmbeddings: Bool
  public var norm: NormKind
  /// Whether "active parameters" counts the input embedding. Mixtral, Qwen and DeepSeekMoE count
  /// it; DeepSeek-V2/V3 and gpt-oss do not. The output head is always active.
  public var activeCountsEmbedding: Bool
  /// Mixture-of-experts layers; nil for a dense model.
  public var moe: MoESpec?
  /// Multi-token-prediction modules (DeepSeek-V3's `num_nextn_predict_layers`), counted apart
  /// from the main model: each is one more transformer block plus two norms, a `2h × h`
  /// projection and a final norm; it shares the embedding and output head.
  public var mtpModules: Int

  /// Whether transformer block `layer` (0-based) holds an MoE feed-forward block.
  public func isMoELayer(_ layer: Int) -> Bool { Self.isMoELayer(layer, moe: moe) }

  static func isMoELayer(_ layer: Int, moe: MoESpec?) -> Bool {
    guard let moe else { return false }
    return layer >= moe.firstDenseLayers && (layer + 1) % moe.layerInterval == 0
      && !moe.denseLayers.contains(layer)
  }

  /// The 0-based indices of the MoE layers, in order.
  public var moeLayerIndices: [Int] { (0..<layers).filter(isMoELayer) }
}

/// Multi-head attention with optional grouped/multi-query key-value heads.
public struct AttentionSpec: Sendable, Equatable, Encodable {
  /// Query heads.
  public var heads: Int
  /// Key/value heads (`heads` for MHA, fewer for GQA, 1 for MQA).
  public var kvHeads: Int
  /// Width of one head (`hidden_size / heads` unless the model says otherwise).
  public var headDim: Int
  /// Whether the Q, K and V projections carry a bias (Qwen2).
  public var qkvBias: Bool
  /// Whether the output projection carries a bias.
  public var outputBias: Bool
  /// Normalisation of queries and keys before the dot product (Qwen3, OLMoE).
  public var qkNorm: QKNormKind
  /// Multi-head latent attention (DeepSeek-V2/V3); when set, it replaces the Q/K/V projections
  /// and `kvHeads`/`headDim` are not used.
  public var mla: LatentAttentionSpec?
  /// Whether each query head has a learned attention sink: one scalar logit per head per layer
  /// that joins the softmax's denominator and takes no value (gpt-oss's `self_attn.sinks`, a
  /// tensor of `num_attention_heads`; OpenAI 2025, "gpt-oss-120b & gpt-oss-20b Model Card",
  /// sec. 2.1). It adds `heads` parameters per block and no measurable FLOPs.
  public var sinks: Bool
  /// Positions a sliding-window layer attends to, itself included (Hugging Face's
  /// `sliding_window`: key `j` is visible to query `i` when `i − w < j ≤ i`); nil when no layer
  /// slides.
  public var slidingWindow: Int?
  /// The kind of each block's attention, the list repeated over the blocks (`[sliding, full]`
  /// alternates, as gpt-oss's `layer_types`); empty: every block slides when `slidingWindow` is
  /// set (Mistral 7B), else every block attends to the whole context.
  public var layerTypes: [AttentionLayerKind]

  /// The attention window of block `layer` (0-based) in positions; nil for full attention.
  public func window(ofLayer layer: Int) -> Int? {
    guard let slidingWindow else { return nil }
    guard !layerTypes.isEmpty else { return slidingWindow }
    return layerTypes[layer % layerTypes.count] == .sliding ? slidingWindow : nil
  }

  /// Width of one query/key head in the dot product.
  public var queryKeyHeadDim: Int { mla.map { $0.qkNopeHeadDim + $0.qkRopeHeadDim } ?? headDim }
  /// Width of one value head.
  public var valueHeadDim: Int { mla?.vHeadDim ?? headDim }
  /// Scalars of the KV cache per token per layer: K and V of every KV head, or MLA's compressed
  /// latent plus its shared RoPE key (DeepSeek-V2 paper, sec. 2.1.2: `(d_c + d_h^R)` per token).
  public var kvCacheScalarsPerToken: Int {
    mla.map { $0.kvLoraRank + $0.qkRopeHeadDim } ?? 2 * kvHeads * headDim
  }
}

/// How far back one block's attention reaches.
public enum AttentionLayerKind: String, Sendable, CaseIterable, Encodable {
  /// Every earlier position of the context.
  case full
  /// The last `sliding_window` positions only: the KV cache keeps at most that many tokens and
  /// the scores cost that many positions per token.
  case sliding
}

/// Where query/key normalisation sits.
public enum QKNormKind: String, Sendable, CaseIterable, Encodable {
  case none
  /// One norm of width `head_dim` for queries and one for keys, shared by all heads (Qwen3).
  case head
  /// One norm over the whole query projection and one over the whole key projection (OLMoE).
  case full
}

/// Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434, sec. 2.1): queries and keys/values
/// go through low-rank latents; only the KV latent and a shared RoPE key are cached.
public struct LatentAttentionSpec: Sendable, Equatable, Encodable {
  /// Rank of the query latent (`q_lora_rank`); nil projects queries directly (DeepSeek-V2-Lite).
  public var qLoraRank: Int?
  /// Rank of the key/value latent (`kv_lora_rank`, `d_c`).
  public var kvLoraRank: Int
  /// Per-head query/key width without rotary embedding (`qk_nope_head_dim`).
  public var qkNopeHeadDim: Int
  /// Per-head (query) and shared (key) rotary width (`qk_rope_head_dim`, `d_h^R`).
  public var qkRopeHeadDim: Int
  /// Per-head value width (`v_head_dim`).
  public var vHeadDim: Int
}

/// Feed-forward block shape.
public struct FeedForwardSpec: Sendable, Equatable, Encodable {
  public var kind: FeedForwardKind
  /// Intermediate width of the dense FFN; nil when every layer is MoE.
  public var intermediateSize: Int?
  /// Whether the FFN matrices carry biases.
  public var bias: Bool
}

/// How many weight matrices a feed-forward block (or one expert) has.
public enum FeedForwardKind: String, Sendable, CaseIterable, Encodable {
  /// Gated linear unit (SwiGLU, GeGLU): gate, up and down projections.
  case swiglu
  /// Plain two-matrix MLP with a GELU or ReLU between.
  case geluMLP = "gelu_mlp"

  /// Matrices per block: 3 for gated units, 2 for a plain MLP.
  public var matrices: Int { self == .swiglu ? 3 : 2 }
}

/// Normalisation layer kind; LayerNorm has a bias vector unless built without one (DBRX's
/// `nn.LayerNorm(bias=False)`), RMSNorm has none.
public enum NormKind: String, Sendable, CaseIterable, Encodable {
  case rmsnorm
  case layernorm
  case layernormNoBias = "layernorm_no_bias"

  /// Parameters per normalised vector of width `width`: a scale, and a bias for `layernorm`.
  public func parameters(width: Int) -> Double {
    Double(width) * (self == .layernorm ? 2 : 1)
  }
}

/// Mixture-of-experts feed-forward layers.
public struct MoESpec: Sendable, Equatable, Encodable {
  /// Routed experts per MoE layer (`E`).
  public var experts: Int
  /// Experts each token is routed to (`k`).
  public var topK: Int
  /// Intermediate width of one routed expert.
  public var expertIntermediateSize: Int
  /// Always-active experts per MoE layer, never routed (DeepSeekMoE, Qwen2-MoE).
  public var sharedExperts: Int
  /// Intermediate width of one shared expert.
  public var sharedExpertIntermediateSize: Int
  /// The first K layers keep a dense FFN (DeepSeek's `first_k_dense_replace`).
  public var firstDenseLayers: Int
  /// Layer `i` is MoE when `(i + 1) % layer_interval == 0` (Qwen's `decoder_sparse_step`).
  public var layerInterval: Int
  /// Further layers (0-based) that keep a dense FFN (Qwen's `mlp_only_layers`).
  public var denseLayers: [Int]
  /// Whether the router's linear layer has a bias (or a per-expert score-correction bias, as
  /// DeepSeek-V3's `e_score_correction_bias`): `E` parameters per MoE layer.
  public var routerBias: Bool
  /// A sigmoid gate `h → 1` scaling the shared experts' output (Qwen2-MoE `shared_expert_gate`).
  public var sharedExpertGate: Bool
  /// Whether the expert matrices carry biases (gpt-oss); defaults to `ffn.bias`.
  public var expertBias: Bool
}
