import Testing

@testable import MoESim

@Suite struct ComputeCostTests {
  /// Llama-3-70B, by hand from its config: the matmul weights are everything but the embedding
  /// lookup and the norms; attention at context 8192 is 80 layers × 2 × 64 heads × (128 + 128)
  /// × 8192.
  @Test func denseModelByHand() throws {
    let scenario = try TestSupport.scenario("llama3-70b-dense.json5")
    let count = ParameterCount(model: scenario.model)
    let cost = ComputeCost(model: scenario.model, context: 8192)
    let byName = Dictionary(uniqueKeysWithValues: count.components.map { ($0.name, $0.total) })
    let matmulWeights = count.total - (byName["embedding"] ?? 0) - (byName["norms"] ?? 0)
    #expect(cost.forwardMatmulFLOPsPerToken == 2 * matmulWeights)
    let attention: Double = 80 * 2 * 64 * 256 * 8192
    #expect(cost.forwardAttentionFLOPsPerToken == attention)
    #expect(cost.forwardRouterFLOPsPerToken == 0)
    #expect(cost.trainingFLOPsPerToken == 3 * (2 * matmulWeights + attention))
    // At a short context the exact count approaches 6·N (N with the embedding: slightly above).
    let short = ComputeCost(model: scenario.model, context: 1)
    #expect(abs(short.trainingFLOPsPerToken / short.sixNFLOPsPerToken - 1) < 0.02)
  }

  /// An MoE: matmuls use k of E experts; the router costs 2·h·E per MoE layer. Mixtral:
  /// 32 × 2 × 4096 × 8 router FLOPs; 6·N uses the 12.9B active parameters, not the 46.7B.
  @Test func moeModelUsesActiveExperts() throws {
    let scenario = try TestSupport.scenario("mixtral-8x7b.json5")
    let count = ParameterCount(model: scenario.model)
    let cost = ComputeCost(model: scenario.model, context: 4096)
    let router: Double = 32 * 2 * 4096 * 8
    #expect(cost.forwardRouterFLOPsPerToken == router)
    let byName = Dictionary(uniqueKeysWithValues: count.components.map { ($0.name, $0.active) })
    let matmulWeights =
      count.active - (byName["embedding"] ?? 0) - (byName["norms"] ?? 0)
      - (byName["router"] ?? 0)
    #expect(cost.forwardMatmulFLOPsPerToken == 2 * matmulWeights)
    #expect(cost.sixNFLOPsPerToken == 6 * count.active)
    #expect(cost.sixNDFLOPs(tokens: 1e12) == 6 * count.active * 1e12)
  }

  /// MLA attends with d_qk = 128 + 64 and d_v = 128 per head (DeepSeek-V3 config.json).
  @Test func latentAttentionWidths() throws {
    let scenario = try TestSupport.scenario("deepseek-v3.json5")
    let cost = ComputeCost(model: scenario.model, context: 1000)
    let attention: Double = 61 * 2 * 128 * (192 + 128) * 1000
    #expect(cost.forwardAttentionFLOPsPerToken == attention)
  }

  /// Chinchilla (Hoffmann et al. 2022, table 3): 70B parameters ↔ 1.4 trillion tokens.
  @Test func chinchillaOptimalTokens() throws {
    let scenario = try TestSupport.scenario("llama3-70b-dense.json5")
    let cost = ComputeCost(model: scenario.model, context: 8192)
    #expect(abs(cost.chinchillaTokensForTotal - 1.4e12) / 1.4e12 < 0.01)
    #expect(cost.chinchillaTokensForTotal == cost.chinchillaTokensForActive)
    let moe = ComputeCost(model: try TestSupport.scenario("mixtral-8x7b.json5").model, context: 1)
    #expect(moe.chinchillaTokensForTotal > 3 * moe.chinchillaTokensForActive)
  }

  @Test func trainingTokensAreValidated() throws {
    #expect(
      try TestSupport.quickstart(["compute.training_tokens=1.4e12"]).compute.trainingTokens
        == 1.4e12)
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["compute.training_tokens=0"])
    }
    #expect(error.path == "compute.training_tokens")
  }
}
