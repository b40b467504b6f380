/// `qwen2_moe` and `qwen3_moe` (transformers' `Qwen2MoeConfig`, `Qwen3MoeConfig`).
///
/// Layer `i` is MoE when `(i + 1) % decoder_sparse_step == 0` and `i` is not in
/// `mlp_only_layers`; the other layers keep a dense FFN of `intermediate_size`. Qwen2-MoE adds one
/// shared expert of `shared_expert_intermediate_size` behind a sigmoid gate `h → 1`
/// (`shared_expert_gate`), and biases Q, K and V; Qwen3-MoE has no shared expert, follows
/// `attention_bias` and normalises queries and keys per head (`q_norm`, `k_norm`).
enum QwenMoEFamily: HuggingFaceFamily {
  static let modelTypes = ["qwen2_moe", "qwen3_moe"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    let isQwen3 = config.modelType == "qwen3_moe"
    let (hidden, layers, heads) = try config.readDecoderBasics(readsHeadDim: !isQwen3)
    if isQwen3 {
      try LlamaFamily.readQwen3Heads(&config, hidden: hidden, heads: heads)
      try config.readAttentionBias()
    } else {
      let present = config.has("qkv_bias")
      let bias = try config.bool("qkv_bias", default: true)
      config.set("model.attention.qkv_bias", bias, from: "qkv_bias", defaultUsed: !present)
    }
    try config.readGatedFeedForward()
    try config.readRoutedExperts(count: "num_experts", width: "moe_intermediate_size")
    let step = try config.optionalInt("decoder_sparse_step", in: 1...layers) ?? 1
    config.set(
      "model.moe.layer_interval", step,
      from: config.has("decoder_sparse_step")
        ? "decoder_sparse_step" : "decoder_sparse_step absent: transformers' default 1")
    let denseLayers = try config.optionalIntList("mlp_only_layers", in: 0...(layers - 1)) ?? []
    config.set(
      "model.moe.dense_layers", .array(denseLayers.map { .integer($0) }), from: "mlp_only_layers")
    let hasDenseLayer = (0..<layers).contains { ($0 + 1) % step != 0 || denseLayers.contains($0) }
    if hasDenseLayer {
      try config.copyInt("intermediate_size", to: "model.ffn.intermediate_size")
    } else {
      // Every layer is MoE: transformers builds no dense FFN, so the width is unused.
      _ = try config.optionalInt("intermediate_size", in: 1...ScenarioLimits.modelDimension)
    }
    if !isQwen3 { try readSharedExpert(&config) }
    try config.readSoftmaxRouter(defaultNormalize: false)
    try config.readSlidingWindow(switchKey: "use_sliding_window", layers: layers)
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }

  /// Qwen2-MoE's one shared expert and its gate; a width of 0 means none.
  static func readSharedExpert(_ config: inout HuggingFaceConfig) throws {
    let width = try config.optionalInt(
      "shared_expert_intermediate_size", in: 0...ScenarioLimits.modelDimension)
    guard let width else {
      throw config.error(
        "shared_expert_intermediate_size",
        .missingKey(reason: "model_type \"qwen2_moe\" needs it (0 for no shared expert)"))
    }
    guard width > 0 else { return }
    config.set(
      "model.moe.shared_experts", .integer(1),
      from: "shared_expert_intermediate_size > 0: one shared expert")
    config.set(
      "model.moe.shared_expert_intermediate_size", width, from: "shared_expert_intermediate_size")
    config.set(
      "model.moe.shared_expert_gate", .bool(true),
      from: "Qwen2-MoE shared_expert_gate (Linear h → 1), fixed by model_type")
  }
}
