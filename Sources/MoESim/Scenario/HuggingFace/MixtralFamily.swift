/// `mixtral` (transformers' `MixtralConfig`): every layer MoE, `num_local_experts` experts of
/// width `intermediate_size`, top-`num_experts_per_tok` softmax gates renormalised over the
/// selected experts (Jiang et al. 2024, "Mixtral of Experts", arXiv:2401.04088, sec. 2.1).
enum MixtralFamily: HuggingFaceFamily {
  static let modelTypes = ["mixtral"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    let (_, layers, _) = try config.readDecoderBasics()
    try config.readGatedFeedForward()
    try config.readRoutedExperts(count: "num_local_experts", width: "intermediate_size")
    try config.readSlidingWindow(layers: layers)
    config.setSoftmaxRouter(
      normalize: true, from: "Mixtral renormalises the top-k gates (no config key)")
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }
}
