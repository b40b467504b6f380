/// `granitemoe` (transformers' `GraniteMoeConfig`, IBM Granite 3.x MoE): every layer MoE with
/// `num_local_experts` experts of width `intermediate_size` (a fused `input_linear` of twice the
/// width, gate and up, and an `output_linear`: a gated unit). `GraniteMoeTopKGating` takes the
/// top k of the router logits, then a softmax over those k: MoESim's `score_order`
/// "topk_then_softmax". The `*_multiplier` and `logits_scaling` keys scale activations and have
/// no weights.
enum GraniteMoEFamily: HuggingFaceFamily {
  static let modelTypes = ["granitemoe"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    try config.readDecoderBasics()
    try config.readGatedFeedForward()
    try config.readAttentionBias()
    try config.readRoutedExperts(count: "num_local_experts", width: "intermediate_size")
    for key in [
      "embedding_multiplier", "residual_multiplier", "attention_multiplier", "logits_scaling",
    ] {
      _ = try config.optionalDouble(key, allowed: "(a scale, no weights)", where: { _ in true })
    }
    config.setSoftmaxRouter(
      normalize: true, from: "a softmax over the k selected logits sums to 1")
    config.set(
      "router.score_order", .string("topk_then_softmax"),
      from: "GraniteMoeTopKGating: top-k of the logits, then softmax")
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }
}
