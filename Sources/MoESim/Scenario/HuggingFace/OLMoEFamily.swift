/// `olmoe` (transformers' `OlmoeConfig`; Muennighoff et al. 2024, arXiv:2409.02060): every layer
/// MoE with `num_experts` experts of width `intermediate_size`, and RMSNorms over the whole query
/// and key projections (`qk_norm` "full").
enum OLMoEFamily: HuggingFaceFamily {
  static let modelTypes = ["olmoe"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    try config.readDecoderBasics()
    try config.readGatedFeedForward()
    try config.readAttentionBias()
    config.set(
      "model.attention.qk_norm", .string("full"),
      from: "OLMoE q_norm/k_norm over the whole projections, fixed by model_type")
    try config.readRoutedExperts(count: "num_experts", width: "intermediate_size")
    try config.readSoftmaxRouter(defaultNormalize: false)
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }
}
