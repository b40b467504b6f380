extension ScenarioKeys {
  static let model: [ScenarioKey] = [
    ScenarioKey(
      "model", "hf_config", .string, default: "none",
      allowed: "a path to a Hugging Face config.json",
      meaning: "a Hugging Face config.json (relative to the scenario file) to take the model from"),
    ScenarioKey(
      "model", "vocab_size", .integer, default: "required", allowed: "≥ 1",
      meaning: "rows of the embedding and output head, ≥ 1"),
    ScenarioKey(
      "model", "hidden_size", .integer, default: "required", allowed: "≥ 1",
      meaning: "d_model, ≥ 1"),
    ScenarioKey(
      "model", "layers", .integer, default: "required", allowed: "1 … 10⁶",
      meaning: "transformer blocks, 1 … 10⁶"),
    ScenarioKey(
      "model", "attention", .object, default: "required", allowed: "see model.attention",
      meaning: "attention: heads, KV heads, head width, biases, QK norm, MLA"),
    ScenarioKey(
      "model", "ffn", .object, default: "defaults", allowed: "see model.ffn",
      meaning: "the dense FFN; its kind and bias apply to the experts too"),
    ScenarioKey(
      "model", "tied_embeddings", .boolean, default: "false", allowed: "true, false",
      meaning: "output head shares the embedding matrix"),
    ScenarioKey(
      "model", "norm", .choice, default: "\"rmsnorm\"", allowed: ScenarioKey.choices(NormKind.self),
      meaning:
        "\"rmsnorm\", \"layernorm\" (scale and bias) or \"layernorm_no_bias\" (scale only: DBRX's nn.LayerNorm(bias=False))"
    ),
    ScenarioKey(
      "model", "active_counts_embedding", .boolean, default: "true", allowed: "true, false",
      meaning: "count the input embedding as active"),
    ScenarioKey(
      "model", "moe", .object, default: "none (dense model)", allowed: "see model.moe",
      meaning: "the MoE layers (below)"),
    ScenarioKey(
      "model", "mtp_modules", .integer, default: "0", allowed: "0 … 1000",
      meaning:
        "multi-token-prediction modules (num_nextn_predict_layers), counted apart: each a transformer block (of the …"
    ),
    ScenarioKey(
      "model.attention", "heads", .integer, default: "required", allowed: "≥ 1",
      meaning: "query heads, ≥ 1"),
    ScenarioKey(
      "model.attention", "kv_heads", .integer, default: "heads", allowed: "a divisor of heads",
      meaning: "key/value heads (GQA"),
    ScenarioKey(
      "model.attention", "head_dim", .integer, default: "hidden_size / heads", allowed: "≥ 1",
      meaning: "width per head (required when not divisible)"),
    ScenarioKey(
      "model.attention", "qkv_bias", .boolean, default: "false",
      allowed: "true, false (false with mla)",
      meaning: "Q/K/V projections carry biases (Qwen2)"),
    ScenarioKey(
      "model.attention", "output_bias", .boolean, default: "false", allowed: "true, false",
      meaning: "output projection carries a bias"),
    ScenarioKey(
      "model.attention", "qk_norm", .choice, default: "\"none\"",
      allowed: ScenarioKey.choices(QKNormKind.self),
      meaning: "\"head\": a norm of head_dim for Q and one for K, shared by the heads (Qwen3)"),
    ScenarioKey(
      "model.attention", "mla", .object, default: "none", allowed: "see model.attention.mla",
      meaning: "multi-head latent attention (DeepSeek-V2/V3), replacing Q/K/V"),
    ScenarioKey(
      "model.attention", "sinks", .boolean, default: "false", allowed: "true, false",
      meaning:
        "one learned sink logit per query head per layer (gpt-oss): + heads parameters a block"),
    ScenarioKey(
      "model.attention", "sliding_window", .integer, default: "none", allowed: "≥ 1",
      meaning:
        "positions a sliding layer attends to, itself included; its KV cache and attention FLOPs stop at min(context, window)"
    ),
    ScenarioKey(
      "model.attention", "layer_types", .array,
      default: "all \"sliding\" with sliding_window, else all \"full\"",
      allowed: "1 … layers of \"full\", \"sliding\"",
      meaning:
        "attention kind per block, the list repeated over the blocks (gpt-oss: [\"sliding\", \"full\"])"
    ),
    ScenarioKey(
      "model.attention.mla", "q_lora_rank", .integer, default: "none", allowed: "≥ 1",
      meaning: "query latent rank"),
    ScenarioKey(
      "model.attention.mla", "kv_lora_rank", .integer, default: "required", allowed: "≥ 1",
      meaning: "KV latent rank d_c (cached)"),
    ScenarioKey(
      "model.attention.mla", "qk_nope_head_dim", .integer, default: "required", allowed: "≥ 1",
      meaning: "per-head widths; the RoPE key (qk_rope_head_dim) is shared and cached"),
    ScenarioKey(
      "model.attention.mla", "qk_rope_head_dim", .integer, default: "required", allowed: "≥ 1",
      meaning: "per-head widths; the RoPE key (qk_rope_head_dim) is shared and cached"),
    ScenarioKey(
      "model.attention.mla", "v_head_dim", .integer, default: "required", allowed: "≥ 1",
      meaning: "per-head widths; the RoPE key (qk_rope_head_dim) is shared and cached"),
    ScenarioKey(
      "model.ffn", "kind", .choice, default: "\"swiglu\"",
      allowed: ScenarioKey.choices(FeedForwardKind.self),
      meaning: "\"swiglu\" (gate, up, down"),
    ScenarioKey(
      "model.ffn", "intermediate_size", .integer, default: "required if any layer is dense",
      allowed: "≥ 1",
      meaning: "dense FFN width"),
    ScenarioKey(
      "model.ffn", "bias", .boolean, default: "false", allowed: "true, false",
      meaning: "FFN (and expert) matrices carry biases"),
    ScenarioKey(
      "model.moe", "experts", .integer, default: "required", allowed: "1 … 65536",
      meaning: "routed experts per MoE layer E, 1 … 65536"),
    ScenarioKey(
      "model.moe", "top_k", .integer, default: "required", allowed: "1 … experts",
      meaning: "experts per token k, 1 … experts"),
    ScenarioKey(
      "model.moe", "expert_intermediate_size", .integer, default: "required", allowed: "≥ 1",
      meaning: "width of one routed expert"),
    ScenarioKey(
      "model.moe", "shared_experts", .integer, default: "0", allowed: "≥ 0",
      meaning: "always-active experts per MoE layer, never routed"),
    ScenarioKey(
      "model.moe", "shared_expert_intermediate_size", .integer, default: "expert_intermediate_size",
      allowed: "≥ 1",
      meaning: "width of one shared expert"),
    ScenarioKey(
      "model.moe", "first_dense_layers", .integer, default: "0", allowed: "0 … layers − 1",
      meaning:
        "the first K layers keep a dense FFN (DeepSeek's first_k_dense_replace), 0 … layers−1"),
    ScenarioKey(
      "model.moe", "layer_interval", .integer, default: "1", allowed: "≥ 1",
      meaning:
        "layer i is MoE when (i + 1) % layer_interval == 0 and i ≥ first_dense_layers (Qwen's decoder_sparse_step)"
    ),
    ScenarioKey(
      "model.moe", "router_bias", .boolean, default: "false", allowed: "true, false",
      meaning:
        "the router's linear layer has a bias, or a per-expert score-correction bias (DeepSeek-V3)"),
    ScenarioKey(
      "model.moe", "shared_expert_gate", .boolean, default: "false", allowed: "true, false",
      meaning: "a h → 1 sigmoid gate on the shared experts' output (Qwen2-MoE)"),
    ScenarioKey(
      "model.moe", "expert_bias", .boolean, default: "ffn.bias", allowed: "true, false",
      meaning: "expert (routed and shared) matrices carry biases (gpt-oss)"),
    ScenarioKey(
      "model.moe", "dense_layers", .array, default: "[]", allowed: "0-based layer indices",
      meaning: "further 0-based layers that keep a dense FFN (Qwen's mlp_only_layers)"),
  ]
}
