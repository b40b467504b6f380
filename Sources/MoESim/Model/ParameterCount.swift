/// Total and active-per-token parameters of a model, by component.
///
/// "Active" counts what one token's forward pass multiplies by: all non-expert weights, the
/// router, the shared experts and `k` routed experts per MoE layer; the input embedding only when
/// `ModelSpec.activeCountsEmbedding` (a lookup, not a matmul: publishers differ). Counts are
/// `Double`, exact for integers below 2^53 and free of overflow traps.
public struct ParameterCount: Sendable, Equatable {
  /// One row of the parameter table.
  public struct Component: Sendable, Equatable {
    /// `snake_case` name as written to `params.csv`.
    public var name: String
    public var total: Double
    public var active: Double
  }

  public var components: [Component]

  public var total: Double { components.map(\.total).reduce(0, +) }
  public var active: Double { components.map(\.active).reduce(0, +) }

  /// The parameters of `model`.
  public init(model: ModelSpec) {
    let hidden = Double(model.hiddenSize)
    let vocab = Double(model.vocabSize)
    let layers = Double(model.layers)
    let moeLayers = Double(model.moeLayerIndices.count)
    let denseLayers = layers - moeLayers

    let embedding = vocab * hidden
    // A tied head is the embedding matrix, so the embedding is active whenever the head is.
    let embeddingActive = model.activeCountsEmbedding || model.tiedEmbeddings ? embedding : 0
    let head = model.tiedEmbeddings ? 0 : vocab * hidden

    let attention = Self.attentionPerLayer(model.attention, hidden: model.hiddenSize) * layers

    let denseFFN = model.ffn.intermediateSize.map {
      Self.feedForward(model.ffn, hidden: hidden, intermediate: Double($0))
    } ?? 0

    var routed = (total: 0.0, active: 0.0)
    var shared = 0.0
    var router = 0.0
    if let moe = model.moe {
      let expert = Self.feedForward(
        model.ffn, hidden: hidden, intermediate: Double(moe.expertIntermediateSize))
      routed = (Double(moe.experts) * expert * moeLayers, Double(moe.topK) * expert * moeLayers)
      shared = Double(moe.sharedExperts) * moeLayers
        * Self.feedForward(
          model.ffn, hidden: hidden, intermediate: Double(moe.sharedExpertIntermediateSize))
      let routerBias = moe.routerBias ? Double(moe.experts) : 0
      router = (hidden * Double(moe.experts) + routerBias) * moeLayers
    }
    // Two norms per block (before attention and before the FFN) and the final norm.
    let norms = model.norm.parameters(width: model.hiddenSize) * (2 * layers + 1)

    components = [
      Component(name: "embedding", total: embedding, active: embeddingActive),
      Component(name: "attention", total: attention, active: attention),
      Component(name: "dense_ffn", total: denseFFN * denseLayers, active: denseFFN * denseLayers),
      Component(name: "routed_experts", total: routed.total, active: routed.active),
      Component(name: "shared_experts", total: shared, active: shared),
      Component(name: "router", total: router, active: router),
      Component(name: "norms", total: norms, active: norms),
      Component(name: "output_head", total: head, active: head),
    ]
  }

  /// Q, K, V and output projections with their optional biases.
  static func attentionPerLayer(_ attention: AttentionSpec, hidden: Int) -> Double {
    let hidden = Double(hidden)
    let queryWidth = Double(attention.heads * attention.headDim)
    let keyValueWidth = Double(attention.kvHeads * attention.headDim)
    var parameters = hidden * (queryWidth + 2 * keyValueWidth) + queryWidth * hidden
    if attention.qkvBias { parameters += queryWidth + 2 * keyValueWidth }
    if attention.outputBias { parameters += hidden }
    return parameters
  }

  /// One feed-forward block (or expert) of width `intermediate`: 3 matrices for a gated unit,
  /// 2 for a plain MLP, plus biases (one per intermediate matrix output and one on the output).
  static func feedForward(_ ffn: FeedForwardSpec, hidden: Double, intermediate: Double) -> Double {
    let matrices = Double(ffn.kind.matrices)
    var parameters = matrices * hidden * intermediate
    if ffn.bias { parameters += (matrices - 1) * intermediate + hidden }
    return parameters
  }
}
