import Testing

@testable import MoESim

/// The architecture keys added for real models are validated like every other key.
@Suite struct ModelSpecValidationTests {
  static let rules: [(String, String)] = [
    (
      "model.attention.qk_norm=layer",
      "model.attention.qk_norm = \"layer\" is out of range; allowed one of \"none\", \"head\", \"full\""
    ),
    (
      "model.attention.mla={kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64}",
      "model.attention.mla.v_head_dim is required but missing"
    ),
    (
      "model.attention.mla={kv_lora_rank: 0, qk_nope_head_dim: 1, qk_rope_head_dim: 1, v_head_dim: 1}",
      "model.attention.mla.kv_lora_rank = 0 is out of range; allowed 1...1099511627776"
    ),
    (
      "model.moe.dense_layers=[8]",
      "model.moe.dense_layers[0] = 8 is out of range; allowed a layer index in 0...7"
    ),
    (
      "model.moe.dense_layers=[1,2,3,4,5,6,7]",
      "model.moe.dense_layers = [1, 2, 3, 4, 5, 6, 7] is out of range; allowed a list that leaves at least one MoE layer"
    ),
    ("model.mtp_modules=-1", "model.mtp_modules = -1 is out of range; allowed 0...1000"),
    (
      "model.moe.shared_expert_gate=1",
      "model.moe.shared_expert_gate = 1 has the wrong type; expected true or false"
    ),
  ]

  @Test(arguments: rules)
  func rejectsWithAPreciseMessage(override: String, message: String) throws {
    let error = try #require(throws: ScenarioError.self) { try TestSupport.quickstart([override]) }
    #expect(error.description == "--set \(override): \(message)", "\(error)")
  }

  @Test func latentAttentionRefusesQKVBias() throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.scenario("deepseek-v3.json5", "model.attention.qkv_bias=true")
    }
    #expect(error.path == "model.attention.qkv_bias")
    #expect(error.description.hasSuffix("allowed false when attention.mla is set"))
  }

  /// Qwen's `mlp_only_layers`: listed layers keep the dense FFN; the rest of the layout holds.
  @Test func denseLayersKeepTheDenseFFN() throws {
    let model = try TestSupport.quickstart(["model.moe.dense_layers=[3, 5]"]).model
    #expect(model.moeLayerIndices == [1, 2, 4, 6, 7])
    let count = ParameterCount(model: model)
    let denseFFN = try #require(count.components.first { $0.name == "dense_ffn" })
    // Layers 0, 3 and 5 hold the 3 × 1024 × 2816 SwiGLU FFN.
    let perLayer: Double = 3 * 1024 * 2816
    #expect(denseFFN.total == 3 * perLayer)
  }
}
