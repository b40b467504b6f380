/// Total and active-per-token parameters of a model, by component.
///
/// "Active" counts what one token's forward pass multiplies by: all non-expert weights, the
/// router, the shared experts and `k` routed experts per MoE layer; the input embedding only when
/// `ModelSpec.activeCountsEmbedding` (a lookup, not a matmul: publishers differ). Counts are
/// `Double`, exact for integers below 2^53 and free of overflow traps.
///
/// Multi-token-prediction modules are listed apart, in `extras`, and left out of `total` and
/// `active`: DeepSeek-V3 publishes 671B without them (technical report, arXiv:2412.19437).
public struct ParameterCount: Sendable, Equatable {
  /// One row of the parameter table.
  public struct Component: Sendable, Equatable {
    /// `snake_case` name as written to `params.csv`.
    public var name: String
    public var total: Double
    public var active: Double
    /// The part of `total` that is routed-expert weights, stored at `precision.expert_weights`
    /// (all of `routed_experts`, and the MTP modules' own routed experts).
    public var routedExperts: Double = 0

    /// Bytes of the component's weights: routed experts in their format, the rest in the
    /// weights'.
    public func weightBytes(_ precision: PrecisionSpec) -> Double {
      (total - routedExperts) * precision.weightBytes + routedExperts * precision.expertWeightBytes
    }
  }

  /// The main model's components; they sum to `total` and `active`.
  public var components: [Component]
  /// Modules counted apart from the main model (`mtp`); empty when the model has none.
  public var extras: [Component]

  public var total: Double { components.map(\.total).reduce(0, +) }
  public var active: Double { components.map(\.active).reduce(0, +) }
  /// Active parameters under each publisher convention: with and without the input embedding
  /// (equal for a tied embedding, which is active as the output head either way).
  public var activeWithEmbedding: Double { activeWithoutEmbedding + untiedEmbedding }
  public var activeWithoutEmbedding: Double {
    active - (components.first { $0.name == "embedding" }?.active ?? 0) + tiedEmbedding
  }
  private var untiedEmbedding = 0.0
  private var tiedEmbedding = 0.0

  /// `total` plus the extra modules, as a checkpoint holding them stores.
  public var totalWithExtras: Double { total + extras.map(\.total).reduce(0, +) }

  /// The parameters of `model`.
  public init(model: ModelSpec) {
    self.init(ParameterBreakdown(model: model), model: model)
  }

  init(_ parts: ParameterBreakdown, model: ModelSpec) {
    func sum(_ value: (BlockParameters) -> Double) -> Double {
      parts.blocks.map(value).reduce(0, +)
    }
    // A tied head is the embedding matrix, so the embedding is active whenever the head is.
    let embeddingActive =
      model.activeCountsEmbedding || model.tiedEmbeddings ? parts.embedding : 0
    let routedTotal = sum { Double($0.routedExperts) * $0.expertParameters }
    let routedActive = sum { Double($0.activeExperts) * $0.expertParameters }
    let norms = sum(\.norms) + parts.finalNorm
    components = [
      Component(name: "embedding", total: parts.embedding, active: embeddingActive),
      Component(name: "attention", total: sum(\.attention), active: sum(\.attention)),
      Component(name: "dense_ffn", total: sum(\.denseFFN), active: sum(\.denseFFN)),
      Component(
        name: "routed_experts", total: routedTotal, active: routedActive,
        routedExperts: routedTotal),
      Component(name: "shared_experts", total: sum(\.sharedExperts), active: sum(\.sharedExperts)),
      Component(name: "router", total: sum(\.router), active: sum(\.router)),
      Component(name: "norms", total: norms, active: norms),
      Component(name: "output_head", total: parts.head, active: parts.head),
    ]
    untiedEmbedding = model.tiedEmbeddings ? 0 : parts.embedding
    tiedEmbedding = model.tiedEmbeddings ? parts.embedding : 0
    let mtpRouted = parts.mtpBlocks.map { Double($0.routedExperts) * $0.expertParameters }
      .reduce(0, +)
    extras =
      parts.mtpBlocks.isEmpty
      ? []
      : [
        Component(
          name: "mtp", total: parts.mtpTotal, active: parts.mtpActive, routedExperts: mtpRouted)
      ]
  }
}
