/// `deepseek_v2`, `deepseek_v3` and `kimi_k2` (Kimi-K2 ships a DeepSeek-V3 config under its own
/// `model_type`): multi-head latent attention (DeepSeek-V2, arXiv:2405.04434, sec. 2.1),
/// DeepSeekMoE layers with shared experts, and the V3 router (arXiv:2412.19437, sec. 2.1.2).
///
/// Layer `i` is MoE when `i ≥ first_k_dense_replace` and `i % moe_layer_freq == 0` (transformers'
/// `DeepseekV3DecoderLayer`); MoESim lists the other layers in `moe.dense_layers`. The
/// `n_shared_experts` shared experts are one MLP of `n_shared_experts × moe_intermediate_size`,
/// the same parameters as that many experts. "Activated parameters" leave the input embedding
/// out (DeepSeek-V3 report, sec. 4.2).
enum DeepSeekFamily: HuggingFaceFamily {
  static let modelTypes = ["deepseek_v2", "deepseek_v3", "kimi_k2"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    let isV2 = config.modelType == "deepseek_v2"
    let (_, layers, _) = try config.readDecoderBasics(readsHeadDim: false)
    // MLA has no separate KV heads: transformers' DeepseekV3Attention never reads this key.
    _ = try config.optionalInt("num_key_value_heads", in: 1...ScenarioLimits.modelDimension)
    try readLatentAttention(&config)
    try config.readGatedFeedForward()
    let moeLayers = try readMoE(&config, layers: layers)
    if moeLayers.contains(where: { !$0 }) {
      try config.copyInt("intermediate_size", to: "model.ffn.intermediate_size")
    } else {
      _ = try config.optionalInt("intermediate_size", in: 1...ScenarioLimits.modelDimension)
    }
    if !isV2 {
      let modules = try config.optionalInt("num_nextn_predict_layers", in: 0...1_000) ?? 0
      config.set("model.mtp_modules", modules, from: "num_nextn_predict_layers")
      let frequency = try config.optionalInt("moe_layer_freq", in: 1...layers) ?? 1
      // An MTP block is MoE exactly when layer `layers` would be; MoESim puts it past the last
      // layer with no dense-layer list, so only frequencies that make that layer MoE match.
      if modules > 0 && layers % frequency != 0 {
        throw config.refuse(
          "moe_layer_freq", value: .integer(frequency),
          feature: "a dense multi-token-prediction block after MoE layers")
      }
    }
    config.setActiveCountsEmbedding(false)
    try config.readQuantization()
  }

  static func readLatentAttention(_ config: inout HuggingFaceConfig) throws {
    if config.has("q_lora_rank") {
      try config.copyInt("q_lora_rank", to: "model.attention.mla.q_lora_rank")
    } else {
      _ = config.raw("q_lora_rank")
    }
    try config.copyInt("kv_lora_rank", to: "model.attention.mla.kv_lora_rank")
    try config.copyInt("qk_nope_head_dim", to: "model.attention.mla.qk_nope_head_dim")
    try config.copyInt("qk_rope_head_dim", to: "model.attention.mla.qk_rope_head_dim")
    try config.copyInt("v_head_dim", to: "model.attention.mla.v_head_dim")
    if try config.bool("attention_bias", default: false) {
      throw config.refuse(
        "attention_bias", value: .bool(true), feature: "biases on the latent-attention projections")
    }
  }

  /// The MoE block and the router; returns, per layer, whether it is MoE.
  static func readMoE(_ config: inout HuggingFaceConfig, layers: Int) throws -> [Bool] {
    guard config.has("n_routed_experts") else {
      _ = config.raw("n_routed_experts")
      return Array(repeating: false, count: layers)
    }
    let (experts, topK) = try config.readRoutedExperts(
      count: "n_routed_experts", width: "moe_intermediate_size")
    let shared = try config.optionalInt("n_shared_experts", in: 0...ScenarioLimits.experts) ?? 0
    config.set("model.moe.shared_experts", shared, from: "n_shared_experts")
    let first = try config.optionalInt("first_k_dense_replace", in: 0...(layers - 1)) ?? 0
    config.set("model.moe.first_dense_layers", first, from: "first_k_dense_replace")
    let frequency = try config.optionalInt("moe_layer_freq", in: 1...layers) ?? 1
    let isMoE = (0..<layers).map { $0 >= first && $0 % frequency == 0 }
    let offGrid = (first..<layers).filter { !isMoE[$0] }
    config.set(
      "model.moe.dense_layers", .array(offGrid.map { .integer($0) }),
      from: "moe_layer_freq = \(frequency): layers i ≥ first_k_dense_replace with i % freq ≠ 0")
    guard isMoE.contains(true) else {
      throw config.error(
        "first_k_dense_replace",
        .outOfRange(value: String(first), allowed: "a value that leaves at least one MoE layer"))
    }
    try readRouter(&config, experts: experts, topK: topK)
    return isMoE
  }

  /// `scoring_func`, `topk_method`, `n_group`, `topk_group`, `norm_topk_prob` and
  /// `routed_scaling_factor`.
  static func readRouter(_ config: inout HuggingFaceConfig, experts: Int, topK: Int) throws {
    let isV2 = config.modelType == "deepseek_v2"
    let scoring =
      try config.optionalString("scoring_func", among: ["softmax", "sigmoid"])
      ?? (isV2 ? "softmax" : "sigmoid")
    let method =
      try config.optionalString(
        "topk_method", among: ["greedy", "group_limited_greedy", "noaux_tc"])
      ?? (isV2 ? "greedy" : "noaux_tc")
    config.set(
      "router.kind", .string(scoring == "sigmoid" ? "sigmoid_topk" : "softmax_topk"),
      from: "scoring_func \"\(scoring)\"")
    var groups = try config.optionalInt("n_group", in: 1...experts) ?? 1
    var topKGroups = try config.optionalInt("topk_group", in: 1...groups) ?? groups
    if method == "greedy" {
      // Plain top-k over all experts: transformers ignores the groups.
      groups = 1
      topKGroups = 1
    } else if method == "group_limited_greedy" {
      // DeepSeek-V2's MoEGate ranks a group by its best expert's score.
      config.set(
        "router.group_score", .string(GroupScore.best.rawValue),
        from: "topk_method \"group_limited_greedy\": a group's best expert")
    }
    config.set("router.n_group", groups, from: "n_group (topk_method \"\(method)\")")
    config.set("router.topk_group", topKGroups, from: "topk_group")
    if method == "noaux_tc" {
      config.set(
        "model.moe.router_bias", .bool(true),
        from: "topk_method \"noaux_tc\": e_score_correction_bias, one per expert")
    }
    let present = config.has("norm_topk_prob")
    let normalize = try config.bool("norm_topk_prob", default: !isV2) && topK > 1
    config.set("router.normalize_topk", normalize, from: "norm_topk_prob", defaultUsed: !present)
    let scale =
      try config.optionalDouble("routed_scaling_factor", allowed: "> 0", where: { $0 > 0 }) ?? 1
    // DeepSeek-V2 scales only gates it does not normalise; V3 scales after normalising.
    let applied = isV2 && normalize ? 1 : scale
    config.set(
      "router.routed_scaling_factor", .number(applied),
      from: isV2 && normalize
        ? "routed_scaling_factor: DeepSeek-V2 does not scale normalised gates"
        : "routed_scaling_factor")
  }
}
