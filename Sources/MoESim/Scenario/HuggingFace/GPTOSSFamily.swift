/// `gpt_oss` (transformers' `GptOssConfig`; OpenAI 2025, "gpt-oss-120b & gpt-oss-20b Model
/// Card", sec. 2.1): every layer MoE with `num_local_experts` experts of width
/// `intermediate_size`, biased expert matrices and router, biased attention projections, one
/// learned attention sink per head, and attention that alternates between a `sliding_window`
/// band and the full context by `layer_types`. The router takes a softmax over the top-k
/// logits, which equals the full softmax renormalised over the selected experts. The checkpoint
/// stores the experts in MXFP4 (`quantization_config`) and everything else in bf16; the
/// published active size leaves out the input embedding.
enum GPTOSSFamily: HuggingFaceFamily {
  static let modelTypes = ["gpt_oss"]

  /// `GptOssConfig`'s `sliding_window` default.
  static let defaultSlidingWindow = 128

  static func read(_ config: inout HuggingFaceConfig) throws {
    let (_, layers, _) = try config.readDecoderBasics()
    try config.readGatedFeedForward()
    let present = config.has("attention_bias")
    let bias = try config.bool("attention_bias", default: true)
    config.set("model.attention.qkv_bias", bias, from: "attention_bias", defaultUsed: !present)
    config.set(
      "model.attention.output_bias", bias, from: "attention_bias (o_proj)", defaultUsed: !present)
    config.set(
      "model.attention.sinks", .bool(true),
      from: "gpt-oss self_attn.sinks (one per head), fixed by model_type")
    try readAttentionLayers(&config, layers: layers)
    let (_, topK) = try config.readRoutedExperts(
      count: "num_local_experts", width: "intermediate_size")
    // The original checkpoint's name for `num_experts_per_tok`, kept beside it by the converter.
    if let copy = try config.optionalInt("experts_per_token", in: 1...ScenarioLimits.experts),
      copy != topK
    {
      throw config.error(
        "experts_per_token",
        .outOfRange(value: String(copy), allowed: "num_experts_per_tok = \(topK)"))
    }
    config.set(
      "model.moe.expert_bias", .bool(true),
      from: "gpt-oss gate_up_proj_bias and down_proj_bias, fixed by model_type")
    config.set(
      "model.moe.router_bias", .bool(true),
      from: "gpt-oss mlp.router has a bias, fixed by model_type")
    config.setSoftmaxRouter(
      normalize: true, from: "gpt-oss: softmax over the top-k router logits (no config key)")
    // The clamp of the SwiGLU and RoPE's original context change neither sizes nor routing.
    _ = config.raw("swiglu_limit")
    _ = config.raw("swiglu_alpha")
    _ = config.raw("initial_context_length")
    config.setActiveCountsEmbedding(false)
    try readMXFP4Experts(&config)
  }

  /// `sliding_window` (default 128) and `layer_types` (default: sliding on even layers, full on
  /// odd ones), written as the shortest list whose repetition gives every layer's type.
  static func readAttentionLayers(_ config: inout HuggingFaceConfig, layers: Int) throws {
    let explicitNull = config.isExplicitNull("sliding_window")
    let window =
      try config.optionalInt("sliding_window", in: 1...(1 << 40))
      ?? (explicitNull ? nil : defaultSlidingWindow)
    var types: [AttentionLayerKind] = (0..<layers).map { $0 % 2 == 0 ? .sliding : .full }
    var typesSource = "layer_types absent: transformers' default (sliding on even layers)"
    if let value = config.raw("layer_types") {
      let names = ["sliding_attention": AttentionLayerKind.sliding, "full_attention": .full]
      guard case .array(let elements) = value, elements.count == layers else {
        throw config.error(
          "layer_types",
          .wrongType(
            value: ErrorText.echo(value.rendered),
            expected: "an array of num_hidden_layers = \(layers) layer types"))
      }
      types = try elements.enumerated().map { index, element in
        guard case .string(let name) = element, let kind = names[name] else {
          throw config.error(
            "layer_types[\(index)]",
            .outOfRange(
              value: element.rendered, allowed: "\"sliding_attention\" or \"full_attention\""))
        }
        return kind
      }
      typesSource = "layer_types"
    }
    guard let window else {
      if types.contains(.sliding) {
        throw config.error(
          "sliding_window", .missingKey(reason: "layer_types has sliding_attention layers"))
      }
      return
    }
    config.set("model.attention.sliding_window", window, from: "sliding_window")
    config.set(
      "model.attention.layer_types",
      .array(shortestPeriod(of: types).map { .string($0.rawValue) }), from: typesSource)
  }

  /// The shortest prefix of `types` whose repetition reproduces `types`.
  static func shortestPeriod(of types: [AttentionLayerKind]) -> [AttentionLayerKind] {
    let period =
      (1...max(1, types.count)).first { length in
        types.indices.allSatisfy { types[$0] == types[$0 % length] }
      } ?? types.count
    return Array(types.prefix(period))
  }

  /// `quantization_config` with `quant_method` "mxfp4": the experts in MXFP4; the modules left
  /// unconverted (attention, router, embedding, head) stay at `precision.weights`, bf16.
  static func readMXFP4Experts(_ config: inout HuggingFaceConfig) throws {
    guard let value = config.raw("quantization_config") else { return }
    guard case .object(let fields) = value, fields["quant_method"] == .string("mxfp4") else {
      throw config.error(
        "quantization_config",
        .outOfRange(
          value: ErrorText.echo(value.rendered),
          allowed: "{quant_method: \"mxfp4\"} (gpt-oss's experts; other formats are not imported)"
        ))
    }
    config.set(
      "precision.expert_weights", .string(NumberFormat.mxfp4.rawValue),
      from: "quantization_config.quant_method \"mxfp4\" (experts; the rest bf16)")
  }
}
