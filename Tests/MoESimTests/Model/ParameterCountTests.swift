import Testing

@testable import MoESim

@Suite struct ParameterCountTests {
  struct Published: Sendable, CustomStringConvertible {
    var file: String
    var total: Double
    var active: Double
    /// One unit of the last digit the publisher gave (e.g. 0.1e9 for "12.9B").
    var lastDigit: Double
    var description: String { file }
  }

  // Mixtral: Jiang et al. 2024, sec. 2 (46.7B / 12.9B); Llama-3-8B: Meta model card (8.03B);
  // OLMoE: Muennighoff et al. 2024, table 1 (6.9B / 1.3B); DeepSeek-V3: technical report,
  // arXiv:2412.19437, abstract (671B / 37B); Qwen3-30B-A3B: model card (30.5B / 3.3B);
  // Llama-3-70B: model card (70.6B).
  static let models: [Published] = [
    Published(file: "deepseek-v3.json5", total: 671e9, active: 37e9, lastDigit: 1e9),
    Published(file: "qwen3-30b-a3b.json5", total: 30.5e9, active: 3.3e9, lastDigit: 0.1e9),
    Published(file: "llama3-70b-dense.json5", total: 70.6e9, active: 70.6e9, lastDigit: 0.1e9),
    Published(file: "mixtral-8x7b.json5", total: 46.7e9, active: 12.9e9, lastDigit: 0.1e9),
    Published(file: "llama3-8b-dense.json5", total: 8.03e9, active: 8.03e9, lastDigit: 0.01e9),
    Published(file: "olmoe-1b-7b.json5", total: 6.9e9, active: 1.3e9, lastDigit: 0.1e9),
  ]

  /// Within 1 %, or within one unit of the last published digit, whichever is wider.
  static func matches(_ value: Double, _ published: Double, lastDigit: Double) -> Bool {
    abs(value - published) <= max(0.01 * published, lastDigit)
  }

  @Test(arguments: models)
  func reproducesPublishedSizes(model: Published) throws {
    let count = ParameterCount(model: try TestSupport.scenario(model.file).model)
    #expect(
      Self.matches(count.total, model.total, lastDigit: model.lastDigit), "total \(count.total)")
    #expect(
      Self.matches(count.active, model.active, lastDigit: model.lastDigit), "active \(count.active)"
    )
  }

  @Test func mixtralByComponent() throws {
    let count = ParameterCount(model: try TestSupport.scenario("mixtral-8x7b.json5").model)
    let byName = Dictionary(uniqueKeysWithValues: count.components.map { ($0.name, $0) })
    // 32 layers × 8 experts × 3 × 4096 × 14336.
    #expect(byName["routed_experts"]?.total == Double(32 * 8 * 3 * 4096 * 14336))
    #expect(byName["routed_experts"]?.active == Double(32 * 2 * 3 * 4096 * 14336))
    // q and o: 4096×4096 each; k and v: 4096×1024 each; 32 layers.
    #expect(byName["attention"]?.total == Double(32 * (2 * 4096 * 4096 + 2 * 4096 * 1024)))
    #expect(byName["router"]?.total == Double(32 * 4096 * 8))
  }

  @Test func tiedHeadIsCountedOnceAndActive() throws {
    let untied = ParameterCount(
      model: try TestSupport.quickstart(["model.active_counts_embedding=false"]).model)
    let tied = ParameterCount(
      model: try TestSupport.quickstart([
        "model.tied_embeddings=true", "model.active_counts_embedding=false",
      ]).model)
    let embedding = 32000.0 * 1024
    #expect(untied.total - tied.total == embedding)
    // Untied, without the input embedding: head active, embedding not. Tied: the one matrix is
    // active as the head.
    #expect(untied.active == tied.active)
  }

  @Test func activeNeverExceedsTotal() throws {
    for file in [
      "quickstart.json5", "mixtral-8x7b.json5", "olmoe-1b-7b.json5", "deepseek-v3.json5",
      "qwen3-30b-a3b.json5",
    ] {
      let count = ParameterCount(model: try TestSupport.scenario(file).model)
      for component in count.components { #expect(component.active <= component.total) }
    }
  }

  /// DeepSeek-V3 with its multi-token-prediction module: the Hub checkpoint holds 685B
  /// (deepseek-ai/DeepSeek-V3 README); its README_WEIGHTS.md gives the MTP module 11.5B unique
  /// parameters, beside copies of the 0.9B embedding and head that MoESim does not count twice.
  @Test func deepSeekV3WithMultiTokenPrediction() throws {
    let count = ParameterCount(model: try TestSupport.scenario("deepseek-v3.json5").model)
    let mtp = try #require(count.extras.first { $0.name == "mtp" })
    #expect(Self.matches(mtp.total, 11.5e9, lastDigit: 0.1e9), "mtp \(mtp.total)")
    #expect(Self.matches(count.totalWithExtras, 685e9, lastDigit: 1e9))
    #expect(count.total == count.totalWithExtras - mtp.total)
    // Without the module, nothing is listed apart.
    let without = ParameterCount(
      model: try TestSupport.scenario("deepseek-v3.json5", "model.mtp_modules=0").model)
    #expect(without.extras.isEmpty)
    #expect(without.total == count.total)
  }

  /// MLA by hand from DeepSeek-V3's config.json (DeepSeek-V2 paper, sec. 2.1): per layer
  /// q_a 7168·1536, q_b 1536·128·192, kv_a 7168·(512+64), kv_b 512·128·(128+128), o 128·128·7168.
  @Test func latentAttentionByHand() throws {
    let model = try TestSupport.scenario("deepseek-v3.json5").model
    let parts = ParameterBreakdown(model: model)
    let queryLatent: Int = 7168 * 1536 + 1536 * 128 * 192
    let keyValue: Int = 7168 * 576 + 512 * 128 * 256
    let output: Int = 128 * 128 * 7168
    let perLayer: Int = queryLatent + keyValue + output
    #expect(parts.blocks[0].attention == Double(perLayer))
    // Two block norms plus the q_a and kv_a latent norms (RMSNorm: one weight per channel).
    let latentNorms: Int = 2 * 7168 + 1536 + 512
    #expect(parts.blocks[0].norms == Double(latentNorms))
    // Without a query latent (DeepSeek-V2-Lite): q is projected directly, 7168·128·192.
    let lite = try TestSupport.scenario("deepseek-v3.json5", "model.attention.mla.q_lora_rank=null")
      .model
    let direct = ParameterBreakdown(model: lite).blocks[0]
    let directQuery: Int = 7168 * 128 * 192
    #expect(direct.attention == Double(directQuery + keyValue + output))
    let kvNormOnly: Int = 2 * 7168 + 512
    #expect(direct.norms == Double(kvNormOnly))
    // Layers 0...2 dense (first_k_dense_replace = 3), the rest MoE with 256 routed experts.
    let denseFFN: Int = 3 * 7168 * 18432
    #expect(parts.blocks[2].routedExperts == 0 && parts.blocks[2].denseFFN == Double(denseFFN))
    #expect(parts.blocks[3].routedExperts == 256 && parts.blocks[3].denseFFN == 0)
    let router: Int = 7168 * 256 + 256
    #expect(parts.blocks[3].router == Double(router))
  }

  /// Qwen3's per-head QK norm adds 2 · head_dim per layer; OLMoE's full QK norm adds the query
  /// and key widths (2048 + 2048), 16 layers × 4096 = 65,536.
  @Test func queryKeyNorms() throws {
    let olmoe = ParameterBreakdown(model: try TestSupport.scenario("olmoe-1b-7b.json5").model)
    let plain = ParameterBreakdown(
      model: try TestSupport.scenario("olmoe-1b-7b.json5", "model.attention.qk_norm=none").model)
    let withNorms: Double = olmoe.blocks.map(\.norms).reduce(0, +)
    let withoutNorms: Double = plain.blocks.map(\.norms).reduce(0, +)
    #expect(withNorms - withoutNorms == 65_536)
    let qwen = ParameterBreakdown(model: try TestSupport.scenario("qwen3-30b-a3b.json5").model)
    let qwenNorms: Int = 2 * 2048 + 2 * 128
    #expect(qwen.blocks[0].norms == Double(qwenNorms))
  }

  /// Qwen2-MoE's shared-expert gate is one `h → 1` linear per MoE layer; expert biases add
  /// `2·I + h` per SwiGLU expert (gate and up outputs, and the down output).
  @Test func sharedExpertGateAndExpertBias() throws {
    let base = try TestSupport.quickstart(["model.moe.shared_experts=1"])
    let gated = try TestSupport.quickstart([
      "model.moe.shared_experts=1", "model.moe.shared_expert_gate=true",
    ])
    let moeLayers = Double(base.model.moeLayerIndices.count)
    let gatedTotal: Double = ParameterCount(model: gated.model).total
    let sharedTotal: Double = ParameterCount(model: base.model).total
    #expect(gatedTotal - sharedTotal == 1024 * moeLayers)
    let biased = try TestSupport.quickstart(["model.moe.expert_bias=true"])
    let plain = try TestSupport.quickstart([])
    // 16 routed experts per MoE layer, each 2·1408 + 1024 biases; dense layer 0 unchanged.
    let biasedTotal: Double = ParameterCount(model: biased.model).total
    let plainTotal: Double = ParameterCount(model: plain.model).total
    let perExpertBias: Double = 2 * 1408 + 1024
    #expect(biasedTotal - plainTotal == 16 * perExpertBias * moeLayers)
    // expert_bias follows ffn.bias when absent.
    #expect(try TestSupport.quickstart(["model.ffn.bias=true"]).model.moe?.expertBias == true)
  }
}

extension ParameterCountTests {
  /// Both publisher conventions: the difference is the untied input embedding (Mixtral:
  /// 32000 × 4096); for a tied embedding the two coincide.
  @Test func activeUnderBothConventions() throws {
    let mixtral = ParameterCount(model: try TestSupport.scenario("mixtral-8x7b.json5").model)
    #expect(mixtral.activeWithEmbedding == mixtral.active)
    #expect(mixtral.activeWithEmbedding - mixtral.activeWithoutEmbedding == 32000 * 4096)
    let deepSeek = ParameterCount(model: try TestSupport.scenario("deepseek-v3.json5").model)
    #expect(deepSeek.activeWithoutEmbedding == deepSeek.active)
    let tied = ParameterCount(
      model: try TestSupport.quickstart(["model.tied_embeddings=true"]).model)
    #expect(tied.activeWithEmbedding == tied.activeWithoutEmbedding)
    #expect(tied.activeWithEmbedding == tied.active)
  }
}
