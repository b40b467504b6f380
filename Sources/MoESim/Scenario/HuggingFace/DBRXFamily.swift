/// `dbrx` (Databricks' `DbrxConfig`): sizes under MPT names (`d_model`, `n_heads`, `n_layers`),
/// attention under `attn_config`, experts under `ffn_config`. Every layer is MoE; the norms are
/// `nn.LayerNorm(bias=False)` and no projection has a bias.
enum DBRXFamily: HuggingFaceFamily {
  static let modelTypes = ["dbrx"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    try config.copyInt("vocab_size", to: "model.vocab_size")
    let hidden = try config.copyInt("d_model", to: "model.hidden_size")
    try config.copyInt("n_layers", to: "model.layers", in: 1...1_000_000)
    let heads = try config.copyInt("n_heads", to: "model.attention.heads")
    guard hidden % heads == 0 else {
      throw config.error(
        "n_heads", .outOfRange(value: String(heads), allowed: "a divisor of d_model = \(hidden)"))
    }
    config.set(
      "model.attention.head_dim", .integer(hidden / heads), from: "d_model / n_heads")
    try config.copyBool("tie_word_embeddings", to: "model.tied_embeddings", default: false)
    config.set(
      "model.norm", .string("layernorm_no_bias"),
      from: "DBRX nn.LayerNorm(bias=False), fixed by model_type")
    try config.nested("attn_config") { attention in
      try attention.copyKVHeads("kv_n_heads", heads: heads, headsKey: "n_heads")
    }
    try config.nested("ffn_config") { ffn in
      if case .object(let activation)? = ffn.raw("ffn_act_fn"),
        let name = activation["name"], name != .string("silu")
      {
        throw ffn.error(
          "ffn_act_fn.name",
          .outOfRange(value: name.rendered, allowed: "\"silu\" (the gated unit MoESim counts)"))
      }
      ffn.set(
        "model.ffn.kind", .string("swiglu"), from: "ffn_config: gated SiLU experts (w1, v1, w2)")
      try ffn.copyInt("ffn_hidden_size", to: "model.moe.expert_intermediate_size")
      let experts = try ffn.copyInt(
        "moe_num_experts", to: "model.moe.experts", in: 1...ScenarioLimits.experts)
      try ffn.copyInt("moe_top_k", to: "model.moe.top_k", in: 1...experts)
      // DBRX divides the top-k gates by their p-norm (transformers' default p = 1, absent or
      // explicit); p = 1 is MoESim's renormalisation, `null` keeps the raw gates.
      let normalize: Bool
      if ffn.has("moe_normalize_expert_weights") {
        _ = try ffn.optionalDouble(
          "moe_normalize_expert_weights", allowed: "1 (or null for raw gates)", where: { $0 == 1 })
        normalize = true
      } else {
        // An explicit null turns the normalisation off; an absent key takes the default p = 1.
        normalize = !ffn.isExplicitNull("moe_normalize_expert_weights")
        _ = ffn.raw("moe_normalize_expert_weights")
      }
      ffn.setSoftmaxRouter(normalize: normalize, from: "ffn_config.moe_normalize_expert_weights")
      if try ffn.bool("uniform_expert_assignment", default: false) {
        throw ffn.refuse(
          "uniform_expert_assignment", value: .bool(true), feature: "round-robin expert assignment")
      }
    }
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }
}
