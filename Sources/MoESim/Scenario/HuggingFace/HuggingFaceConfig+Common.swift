/// Readers for the keys that most decoder-only `model_type`s share.
extension HuggingFaceConfig {
  /// Vocabulary, width, depth, heads, KV heads, head width and tied embeddings, in the names of
  /// transformers' `LlamaConfig` (shared by Mistral, Mixtral, Qwen, OLMoE and DeepSeek configs).
  /// RMSNorm is fixed by every family that calls this. Returns (hidden_size, layers, heads).
  @discardableResult
  mutating func readDecoderBasics(tiedByDefault: Bool = false, readsHeadDim: Bool = true)
    throws -> (hidden: Int, layers: Int, heads: Int)
  {
    try copyInt("vocab_size", to: "model.vocab_size")
    let hidden = try copyInt("hidden_size", to: "model.hidden_size")
    let layers = try copyInt("num_hidden_layers", to: "model.layers", in: 1...1_000_000)
    let heads = try copyInt("num_attention_heads", to: "model.attention.heads")
    if readsHeadDim {
      if has("num_key_value_heads") {
        try copyKVHeads("num_key_value_heads", heads: heads, headsKey: "num_attention_heads")
      } else {
        _ = raw("num_key_value_heads")
        set(
          "model.attention.kv_heads", .integer(heads),
          from: "num_key_value_heads absent: transformers' default (num_attention_heads)")
      }
      try readHeadDim(hidden: hidden, heads: heads)
    }
    try copyBool("tie_word_embeddings", to: "model.tied_embeddings", default: tiedByDefault)
    set("model.norm", .string("rmsnorm"), from: "RMSNorm, fixed by model_type \"\(modelType)\"")
    return (hidden, layers, heads)
  }

  /// `head_dim`, or `hidden_size / num_attention_heads` when absent (transformers' default).
  mutating func readHeadDim(hidden: Int, heads: Int, defaultHeadDim: Int? = nil) throws {
    if has("head_dim") {
      try copyInt("head_dim", to: "model.attention.head_dim")
      return
    }
    _ = raw("head_dim")
    if let defaultHeadDim {
      set(
        "model.attention.head_dim", .integer(defaultHeadDim),
        from: "head_dim absent: transformers' default \(defaultHeadDim)")
    } else if hidden % heads == 0 {
      set(
        "model.attention.head_dim", .integer(hidden / heads),
        from: "head_dim absent: hidden_size / num_attention_heads")
    } else {
      throw error(
        "head_dim",
        .missingKey(
          reason: "hidden_size = \(hidden) is not divisible by num_attention_heads = \(heads)"))
    }
  }

  /// The FFN is a gated SiLU unit (`hidden_act` "silu"), so `ffn.kind` is `swiglu`.
  mutating func readGatedFeedForward() throws {
    try requireGatedSiLU()
    set("model.ffn.kind", .string("swiglu"), from: "hidden_act \"silu\": gated (3 matrices)")
  }

  /// `sliding_window` as `model.attention.sliding_window`: on every layer (Mistral 7B), or, with
  /// `switchKey` (Qwen's `use_sliding_window`), on the layers from `max_window_layers` on, the
  /// first `max_window_layers` keeping full attention (transformers' `Qwen2Config.layer_types`).
  /// A window of `null`, switched off, or at least `max_position_embeddings` long changes nothing
  /// and is not recorded.
  mutating func readSlidingWindow(switchKey: String? = nil, layers: Int) throws {
    var enabled = true
    if let switchKey { enabled = try bool(switchKey, default: false) }
    let fullLayers = try optionalInt("max_window_layers", in: 0...Int.max)
    let window = try optionalInt("sliding_window", in: 1...(1 << 40))
    let context = try optionalInt("max_position_embeddings", in: 1...Int.max)
    guard enabled, let window else { return }
    if let context, window >= context { return }
    var full = 0
    if switchKey != nil, let fullLayers { full = min(fullLayers, layers) }
    guard full < layers else { return }
    set("model.attention.sliding_window", window, from: "sliding_window")
    if full > 0 {
      let types =
        Array(repeating: "full", count: full)
        + Array(repeating: "sliding", count: layers - full)
      set(
        "model.attention.layer_types", .array(types.map(JSONValue.string)),
        from: "max_window_layers = \(full): full attention below, the window from there on")
    }
  }

  /// `quantization_config`: fp8 weights set `precision.weights`; other formats are refused
  /// rather than sized as bf16.
  mutating func readQuantization() throws {
    guard let value = raw("quantization_config") else { return }
    guard case .object(let fields) = value, case .string(let method)? = fields["quant_method"]
    else {
      throw error(
        "quantization_config",
        .wrongType(value: value.rendered, expected: "an object with a quant_method string"))
    }
    guard method == "fp8" else {
      throw ScenarioError(
        file: file, path: "quantization_config.quant_method",
        kind: .outOfRange(
          value: "\"\(method)\"",
          allowed: "\"fp8\" (other formats are not imported; remove quantization_config and "
            + "set precision.weights)"))
    }
    set(
      "precision.weights", .string("fp8"),
      from: "quantization_config.quant_method \"fp8\" (block scales not counted)")
  }

  /// `countKey` routed experts per MoE layer, each of width `widthKey`, and
  /// `num_experts_per_tok` of them per token. Returns (experts, top-k).
  @discardableResult
  mutating func readRoutedExperts(count countKey: String, width widthKey: String) throws
    -> (experts: Int, topK: Int)
  {
    let experts = try copyInt(countKey, to: "model.moe.experts", in: 1...ScenarioLimits.experts)
    let topK = try copyInt("num_experts_per_tok", to: "model.moe.top_k", in: 1...experts)
    try copyInt(widthKey, to: "model.moe.expert_intermediate_size")
    return (experts, topK)
  }

  /// A softmax top-k router; `normalize` renormalises the selected gates.
  mutating func setSoftmaxRouter(normalize: Bool, from source: String) {
    set("router.kind", .string("softmax_topk"), from: "softmax gate of model_type \"\(modelType)\"")
    set("router.normalize_topk", .bool(normalize), from: source)
  }

  /// Reads `norm_topk_prob` (transformers' default `defaultValue`) into a softmax router.
  mutating func readSoftmaxRouter(defaultNormalize: Bool) throws {
    let present = has("norm_topk_prob")
    let normalize = try bool("norm_topk_prob", default: defaultNormalize)
    setSoftmaxRouter(
      normalize: normalize,
      from: present ? "norm_topk_prob" : "norm_topk_prob absent: transformers' default")
  }

  /// Records whether "active parameters" counts the input embedding, the publisher's convention.
  mutating func setActiveCountsEmbedding(_ counts: Bool) {
    set(
      "model.active_counts_embedding", .bool(counts),
      from: "how \"\(modelType)\" models publish their active size")
  }

  /// `attention_bias` (transformers' default false): a bias on the Q, K, V and output
  /// projections alike (Llama, Qwen3, OLMoE).
  mutating func readAttentionBias() throws {
    let present = has("attention_bias")
    let bias = try bool("attention_bias", default: false)
    set("model.attention.qkv_bias", bias, from: "attention_bias", defaultUsed: !present)
    set("model.attention.output_bias", bias, from: "attention_bias (o_proj)", defaultUsed: !present)
  }
}
