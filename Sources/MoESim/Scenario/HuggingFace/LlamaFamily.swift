/// Dense decoders in the Llama layout: `llama` (Llama 2 and 3), `mistral`, `qwen2`, `qwen3`
/// (transformers' `LlamaConfig`, `MistralConfig`, `Qwen2Config`, `Qwen3Config`).
///
/// Attention biases differ by type: Llama's `attention_bias` puts a bias on Q, K, V and the
/// output; Qwen2 always biases Q, K and V (not the output); Qwen3 follows `attention_bias` and adds
/// per-head RMSNorms of `head_dim` on queries and keys (`qk_norm` "head"). Mistral has none.
enum LlamaFamily: HuggingFaceFamily {
  static let modelTypes = ["llama", "mistral", "qwen2", "qwen3"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    let type = config.modelType
    let isQwen3 = type == "qwen3"
    let (hidden, layers, heads) = try config.readDecoderBasics(readsHeadDim: !isQwen3)
    if isQwen3 {
      try readQwen3Heads(&config, hidden: hidden, heads: heads)
    }
    try config.readGatedFeedForward()
    try config.copyInt("intermediate_size", to: "model.ffn.intermediate_size")
    switch type {
    case "llama":
      try config.readAttentionBias()
      try config.copyBool("mlp_bias", to: "model.ffn.bias", default: false)
    case "mistral":
      try config.readSlidingWindow(layers: layers)
    case "qwen2":
      config.set(
        "model.attention.qkv_bias", .bool(true),
        from: "Qwen2 attention: q/k/v projections with bias, fixed by model_type")
      try config.readSlidingWindow(switchKey: "use_sliding_window", layers: layers)
    default:
      try config.readAttentionBias()
      try config.readSlidingWindow(switchKey: "use_sliding_window", layers: layers)
    }
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }

  /// Qwen3's KV heads, `head_dim` (transformers' default 128) and per-head QK norm.
  static func readQwen3Heads(_ config: inout HuggingFaceConfig, hidden: Int, heads: Int) throws {
    try config.copyKVHeads("num_key_value_heads", heads: heads, headsKey: "num_attention_heads")
    try config.readHeadDim(hidden: hidden, heads: heads, defaultHeadDim: 128)
    config.set(
      "model.attention.qk_norm", .string("head"),
      from: "Qwen3 q_norm/k_norm (RMSNorm of head_dim), fixed by model_type")
  }
}
