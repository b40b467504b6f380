/// One family of Hugging Face `model_type`s that share a config layout and map onto MoESim's
/// `ModelSpec` and `RouterSpec` the same way.
protocol HuggingFaceFamily {
  /// The `model_type` values this family reads.
  static var modelTypes: [String] { get }
  /// Reads the family's keys from `config`, recording the scenario keys they imply.
  static func read(_ config: inout HuggingFaceConfig) throws
}

/// The families MoESim imports, and those it refuses because a part of their architecture is
/// not expressible.
enum HuggingFaceFamilies {
  static var all: [any HuggingFaceFamily.Type] {
    [
      LlamaFamily.self, MixtralFamily.self, QwenMoEFamily.self, DeepSeekFamily.self,
      OLMoEFamily.self, DBRXFamily.self, GraniteMoEFamily.self, GPTOSSFamily.self,
      UnsupportedFamilies.self,
    ]
  }

  /// The family reading `modelType`, if any.
  static func family(of modelType: String) -> (any HuggingFaceFamily.Type)? {
    all.first { $0.modelTypes.contains(modelType) }
  }

  /// Every `model_type` MoESim imports (not the refused ones), sorted.
  static var importedTypes: [String] {
    let refused = Set(UnsupportedFamilies.modelTypes)
    return all.flatMap { family in family.modelTypes }.filter { !refused.contains($0) }.sorted()
  }
}
