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

  /// Whether transformer block `layer` (0-based) holds an MoE feed-forward block.
  public func isMoELayer(_ layer: Int) -> Bool { Self.isMoELayer(layer, moe: moe) }

  static func isMoELayer(_ layer: Int, moe: MoESpec?) -> Bool {
    guard let moe else { return false }
    return layer >= moe.firstDenseLayers && (layer + 1) % moe.layerInterval == 0
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

/// Normalisation layer kind; LayerNorm has a bias vector, RMSNorm does not.
public enum NormKind: String, Sendable, CaseIterable, Encodable {
  case rmsnorm
  case layernorm

  /// Parameters per normalised vector of width `width`.
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
  /// Whether the router's linear layer has a bias.
  public var routerBias: Bool
}
