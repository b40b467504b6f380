/// `model_type`s whose architecture needs a feature MoESim does not model; importing them would
/// count or size a different model, so they are refused, naming the key and the feature.
enum UnsupportedFamilies: HuggingFaceFamily {
  /// Per `model_type`: the config key that asks for the feature, and the feature.
  static let refusals: [String: (key: String, feature: String)] = [
    // Llama 4 attends in local chunks on three of four layers (`attention_chunk_size`).
    "llama4": ("text_config.attention_chunk_size", "chunked local attention"),
    // Phi-3.5-MoE biases its output head (`lm_head_bias`) and routes with SparseMixer.
    "phimoe": ("lm_head_bias", "a biased output head and SparseMixer routing"),
  ]

  static var modelTypes: [String] { refusals.keys.sorted() }

  static func read(_ config: inout HuggingFaceConfig) throws {
    let refusal = refusals[config.modelType] ?? (key: "model_type", feature: config.modelType)
    throw ScenarioError(
      file: config.file, path: refusal.key,
      kind: .outOfRange(
        value: "model_type \"\(config.modelType)\"",
        allowed: "a model without \(refusal.feature), which MoESim cannot express yet "
          + "(importing it would count a different model)"))
  }
}
