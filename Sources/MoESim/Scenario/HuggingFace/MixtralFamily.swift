/// `mixtral` (transformers' `MixtralConfig`): every layer MoE, `num_local_experts` experts of
/// width `intermediate_size`, top-`num_experts_per_tok` softmax gates renormalised over the
/// selected experts (Jiang et al. 2024, "Mixtral of Experts", arXiv:2401.04088, sec. 2.1).
enum MixtralFamily: HuggingFaceFamily {
  static let modelTypes = ["mixtral"]

  static func read(_ config: inout HuggingFaceConfig) throws {
    try config.readDecoderBasics()
    try config.readGatedFeedForward()
    let experts = try config.copyInt(
      "num_local_experts", to: "model.moe.experts", in: 1...ScenarioLimits.experts)
    try config.copyInt("num_experts_per_tok", to: "model.moe.top_k", in: 1...experts)
    try config.copyInt("intermediate_size", to: "model.moe.expert_intermediate_size")
    try config.refuseSlidingWindow()
    config.setSoftmaxRouter(
      normalize: true, from: "Mixtral renormalises the top-k gates (no config key)")
    config.setActiveCountsEmbedding(true)
    try config.readQuantization()
  }
}
