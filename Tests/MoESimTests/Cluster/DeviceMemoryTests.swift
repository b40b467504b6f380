import Testing

@testable import MoESim

@Suite struct DeviceMemoryTests {
  /// A bundled scenario with its precision, cluster and memory sections reset to the defaults
  /// (bf16, one 80 GiB device, inference of one 4096-token sequence), then `overrides`.
  static func scenario(_ file: String, _ overrides: String...) throws -> Scenario {
    try Scenario.load(
      path: TestSupport.scenarioPath(file),
      overrides: (["precision={}", "cluster={}", "memory={}"] + overrides).map(
        ScenarioOverride.init(parsing:)))
  }

  /// The seed table: 7B parameters at fp32 = 28 GB, fp16 = 14 GB, int8 ≈ 7 GB, int4 ≈ 3.5 GB,
  /// and 70B at fp16 = 140 GB (GB = 10^9 bytes). Integer formats with one scale per channel
  /// (`weight_group_size` 0) give exactly 7 and 3.5 GB; with a 16-bit scale and zero point per
  /// group of 128 they cost 8.25 and 4.25 bits per weight.
  @Test func seedTableComesOutOfThePrecisions() {
    func gigabytes(_ parameters: Double, _ format: NumberFormat, group: Int = 0) -> Double {
      parameters * PrecisionSpec(weights: format, weightGroupSize: group).weightBytes / 1e9
    }
    #expect(gigabytes(7e9, .fp32) == 28)
    #expect(gigabytes(7e9, .fp16) == 14)
    #expect(gigabytes(7e9, .bf16) == 14)
    #expect(gigabytes(7e9, .int8) == 7)
    #expect(gigabytes(7e9, .int4) == 3.5)
    #expect(gigabytes(70e9, .fp16) == 140)
    #expect(PrecisionSpec(weights: .int4, weightGroupSize: 128).weightBits == 4.25)
    #expect(gigabytes(7e9, .int4, group: 128) == 7 * 4.25 / 8)
    #expect(gigabytes(7e9, .int8, group: 128) == 7 * 8.25 / 8)
    // Group size only matters for integer formats.
    #expect(gigabytes(7e9, .fp8, group: 128) == 7)
  }

  /// On one device, inference weights are exactly total parameters × bytes per weight; for
  /// Llama-3-70B in bf16 that is the published "70B at fp16 ≈ 140 GB" (70.55B × 2 bytes).
  @Test func oneDeviceHoldsEveryWeight() throws {
    let scenario = try Self.scenario("llama3-70b-dense.json5")
    let memory = DeviceMemory(scenario: scenario)
    let total = ParameterCount(model: scenario.model).total
    #expect(memory.stages.count == 1)
    #expect(memory.worst.bytes[.weights] == total * 2)
    #expect(abs(total * 2 / 1e9 - 140) / 140 < 0.01)
  }

  /// KV cache per token: Llama-3-70B, 80 layers × K and V × 8 KV heads × 128 × 2 bytes =
  /// 327,680 bytes; DeepSeek-V3's MLA caches (512 + 64) scalars per layer (DeepSeek-V2 paper,
  /// sec. 2.1.2), 61 × 576 × 2 = 70,272 bytes.
  @Test func kvCachePerToken() throws {
    let llama = try Self.scenario(
      "llama3-70b-dense.json5", "memory.batch=1", "memory.context=1")
    #expect(DeviceMemory(scenario: llama).worst.bytes[.kvCache] == 327_680)
    let deepSeek = try Self.scenario("deepseek-v3.json5", "memory.context=1")
    #expect(DeviceMemory(scenario: deepSeek).worst.bytes[.kvCache] == 70_272)
    // fp8 halves it; 8-way TP splits Llama's 8 KV heads but not MLA's shared latent.
    let fp8 = try Self.scenario("deepseek-v3.json5", "memory.context=1", "precision.kv_cache=fp8")
    #expect(DeviceMemory(scenario: fp8).worst.bytes[.kvCache] == 35_136)
    let tp8 = ParallelLayout(tp: 8)
    #expect(DeviceMemory(scenario: llama, layout: tp8).worst.bytes[.kvCache] == 40_960)
    #expect(DeviceMemory(scenario: deepSeek, layout: tp8).worst.bytes[.kvCache] == 70_272)
  }

  /// Experts are split over EP: Mixtral on 8 devices with ep = 8 holds one expert per layer
  /// (32 × 3 × 4096 × 14336 weights) besides the tensor-split non-expert weights.
  @Test func expertsAreShardedByExpertParallelism() throws {
    let scenario = try Self.scenario("mixtral-8x7b.json5")
    let parts = ParameterBreakdown(model: scenario.model)
    let layout = ParallelLayout(tp: 8, ep: 8)
    let memory = DeviceMemory(scenario: scenario, layout: layout)
    let oneExpertPerLayer: Double = 32 * 3 * 4096 * 14336
    let attentionAndFFNSharded = parts.blocks.map { $0.attention / 8 + $0.norms + $0.router }
      .reduce(0, +)
    let embeddings = (parts.embedding + parts.head) / 8 + parts.finalNorm
    #expect(memory.worst.parameters == oneExpertPerLayer + attentionAndFFNSharded + embeddings)
    // Pipeline stages split the blocks 16 + 16; the first holds the embedding, the last the head.
    let piped = DeviceMemory(scenario: scenario, layout: ParallelLayout(pp: 2))
    #expect(piped.stages.map(\.firstBlock) == [0, 16])
    let perStage = parts.blocks[0..<16].map(\.total).reduce(0, +)
    #expect(piped.stages[0].parameters == perStage + parts.embedding)
    #expect(piped.stages[1].parameters == perStage + parts.head + parts.finalNorm)
  }

  /// ZeRO (Rajbhandari et al. 2020, fig. 1): Ψ = 7.5B, N_d = 64, K = 12 gives 120 GB without
  /// ZeRO, 31.4 GB at stage 1, 16.6 GB at stage 2 and 1.9 GB at stage 3. MoESim's bytes per
  /// parameter of a dense model at dp = 64, scaled to 7.5B, must reproduce them.
  @Test(arguments: [(0, 120.0, 0.1), (1, 31.4, 0.1), (2, 16.6, 0.1), (3, 1.9, 0.1)])
  func zeroStagesReproduceThePaper(stage: Int, gigabytes: Double, lastDigit: Double) throws {
    let scenario = try Self.scenario(
      "llama3-8b-dense.json5", "memory.mode=training", "memory.zero_stage=\(stage)",
      "cluster.layout={dp: 64}")
    let memory = DeviceMemory(scenario: scenario).worst
    let states = [DeviceMemory.Kind.weights, .gradients, .optimizerStates]
      .map { memory.bytes[$0] ?? 0 }.reduce(0, +)
    let perParameter = states / ParameterCount(model: scenario.model).total
    #expect(abs(perParameter * 7.5e9 / 1e9 - gigabytes) <= lastDigit, "\(perParameter)")
  }

  /// Korthikanti et al. 2022 (sec. 4.1): a GPT layer (MHA, GeLU MLP of width 4h, LayerNorm)
  /// stores 34·s·b·h bytes besides the attention scores; without dropout's two 1-byte masks that
  /// is 32·h bytes per token at 16 bits.
  @Test func activationsMatchKorthikantiWithoutDropout() throws {
    let scenario = try TestSupport.quickstart([
      "model.moe=null", "model.ffn={kind: \"gelu_mlp\", intermediate_size: 4096}",
      "model.attention={heads: 16}", "model.norm=layernorm",
    ])
    let block = ParameterBreakdown(model: scenario.model).blocks[0]
    let bytesPerToken = ActivationMemory.scalarsPerToken(scenario.model, block: block) * 2
    #expect(bytesPerToken == (34 - 2) * 1024)
  }

  /// Training activations: the first of `pp` stages holds `pp` micro-batches (1F1B); full
  /// recomputation keeps each block's input, 2 bytes × h per token, plus one block's working set.
  @Test func pipelineAndRecomputation() throws {
    let base = try Self.scenario(
      "llama3-8b-dense.json5", "memory.mode=training", "memory.context=1024",
      "cluster.layout={pp: 4}")
    let memory = DeviceMemory(scenario: base)
    let model = base.model
    let block = ParameterBreakdown(model: model).blocks[0]
    let perBlock = ActivationMemory.scalarsPerToken(model, block: block) * 2 * 1024
    #expect(memory.stages[0].bytes[.activations] == perBlock * 8 * 4)
    #expect(memory.stages[2].bytes[.activations] == perBlock * 8 * 2)
    let recomputed = try Self.scenario(
      "llama3-8b-dense.json5", "memory.mode=training", "memory.context=1024",
      "cluster.layout={pp: 4}", "memory.recompute=full")
    let inputs: Double = 8 * 1024 * 4096 * 2
    #expect(
      DeviceMemory(scenario: recomputed).stages[0].bytes[.activations] == inputs * 4 + perBlock)
  }

  /// Llama-3-70B in bf16 (131.4 GiB of weights) cannot fit one 80 GiB device and fits two.
  @Test func smallestFittingLayout() throws {
    let scenario = try Self.scenario("llama3-70b-dense.json5")
    #expect(!DeviceMemory(scenario: scenario).fits)
    let smallest = try #require(SmallestLayout.find(for: scenario))
    #expect(smallest.layout.devices == 2)
    #expect(smallest.fits)
    // In int4 (4.25 bits) the weights take 35 GiB: one device.
    let int4 = try Self.scenario("llama3-70b-dense.json5", "precision.weights=int4")
    #expect(SmallestLayout.find(for: int4)?.layout.devices == 1)
  }
}

extension DeviceMemoryTests {
  /// Per-component parameters of a device add up to its parameters; the MTP module sits on the
  /// last stage in training (its 2h × h projection split over tp, its three norms not).
  @Test func componentsAddUpAndMTPSitsLast() throws {
    let scenario = try Self.scenario(
      "deepseek-v3.json5", "memory.mode=training", "cluster.layout={tp: 8, ep: 8, pp: 4}")
    let memory = DeviceMemory(scenario: scenario)
    for stage in memory.stages {
      let sum = stage.componentParameters.values.reduce(0, +)
      #expect(abs(sum - stage.parameters) <= 1e-6 * stage.parameters)
    }
    #expect(memory.stages[0].componentParameters["mtp"] == nil)
    let parts = ParameterBreakdown(model: scenario.model)
    let mtp = try #require(parts.mtpBlocks.first)
    let expected =
      (mtp.attention + mtp.sharedExperts) / 8 + mtp.norms + mtp.router + 32 * mtp.expertParameters
      + 3 * 7168 + 2 * 7168 * 7168 / 8
    #expect(memory.stages[3].componentParameters["mtp"] == expected)
  }
}
