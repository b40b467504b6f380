import Foundation
import Testing

@testable import MoESim

/// gpt-oss read from its published config.json (Fixtures/hf), against the figures of OpenAI's
/// model card ("gpt-oss-120b & gpt-oss-20b Model Card", arXiv:2508.10925, table 1) and against
/// counts worked out by hand from the architecture (sec. 2.1).
@Suite struct GPTOSSImportTests {
  static func load(_ fixture: String, _ overrides: String...) throws -> Scenario {
    try Scenario.load(
      path: HuggingFaceSizeTests.fixturePath(fixture),
      overrides: overrides.map(ScenarioOverride.init(parsing:)))
  }

  @Test func theConfigMapsOntoSinksWindowsAndMXFP4Experts() throws {
    for fixture in ["gpt-oss-120b.json", "gpt-oss-20b.json"] {
      let scenario = try Self.load(fixture)
      let attention = scenario.model.attention
      #expect(attention.sinks && attention.qkvBias && attention.outputBias, "\(fixture)")
      #expect(attention.slidingWindow == 128, "\(fixture)")
      // 120b lists its 36 layer types, 20b takes the default; both alternate from a sliding one.
      #expect(attention.layerTypes == [.sliding, .full], "\(fixture)")
      #expect(scenario.precision.expertWeights == .mxfp4 && scenario.precision.weights == .bf16)
      #expect(scenario.model.moe?.expertBias == true && scenario.model.moe?.routerBias == true)
      #expect(!scenario.model.activeCountsEmbedding)
    }
  }

  /// Table 1's breakdown of gpt-oss-120b: attention 0.96B, MLP 114.71B, embedding and
  /// unembedding 1.16B. By hand, one block's attention is `2880 · (4096 + 2 · 512) + 4096 · 2880`
  /// weights, `4096 + 2 · 512 + 2880` biases and 64 sinks, 26,550,144 in all.
  @Test func componentsMatchTheModelCardBreakdown() throws {
    let count = ParameterCount(model: try Self.load("gpt-oss-120b.json").model)
    let parts = Dictionary(uniqueKeysWithValues: count.components.map { ($0.name, $0.total) })
    #expect(parts["attention"] == Double(36 * 26_550_144))
    #expect(abs((parts["attention"] ?? 0) - 0.96e9) <= 0.01e9)
    let mlp = (parts["routed_experts"] ?? 0) + (parts["router"] ?? 0)
    #expect(abs(mlp - 114.71e9) <= 0.01e9)
    let embeddings = (parts["embedding"] ?? 0) + (parts["output_head"] ?? 0)
    #expect(abs(embeddings - 1.16e9) <= 0.01e9)
    // The sinks are one scalar per query head per block: 36 × 64.
    let withoutSinks = ParameterCount(
      model: try Self.load("gpt-oss-120b.json", "model.attention.sinks=false").model)
    #expect(count.total - withoutSinks.total == Double(36 * 64))
  }

  /// Table 1's checkpoint sizes, 60.8 GiB and 12.8 GiB: MXFP4 experts (4.25 bits a weight; the
  /// experts' bf16 biases, 0.03 % of them, are counted at that rate too) and bf16 for the rest.
  @Test(arguments: [("gpt-oss-120b.json", 60.8), ("gpt-oss-20b.json", 12.8)])
  func weightBytesMatchTheCheckpointSize(fixture: String, gibibytes: Double) throws {
    let scenario = try Self.load(fixture)
    let weights = (DeviceMemory(scenario: scenario).worst.bytes[.weights] ?? 0) / 1_073_741_824
    #expect(abs(weights - gibibytes) <= max(0.01 * gibibytes, 0.1), "\(weights) GiB")
    // The same figure from the component table: experts at 4.25 bits, the rest at 16.
    let count = ParameterCount(model: scenario.model)
    let experts = try #require(count.components.first { $0.name == "routed_experts" }).total
    let byHand = (experts * 4.25 / 8 + (count.total - experts) * 2) / 1_073_741_824
    #expect(abs(weights - byHand) <= 1e-9 * byHand)
  }

  /// At a 131,072-token context the 18 full-attention blocks cache every token and the 18
  /// sliding ones their last 128: 2 · 8 KV heads · 64 · 2 bytes = 2,048 bytes a token a block,
  /// so 18 · (131,072 + 128) · 2,048 bytes, about half the 36 · 131,072 · 2,048 of full
  /// attention everywhere. With chunked prefill of 8,192 tokens, gpt-oss-120b then fits one
  /// 80 GB H100, as the model card says (sec. 1); prefilling the whole prompt at once would not.
  @Test func cacheAndFLOPsFollowTheWindowAndTheModelFitsOneGPU() throws {
    let context = "memory.context=131072"
    let scenario = try Self.load(
      "gpt-oss-120b.json", context, "cluster.device=h100-sxm", "memory.prefill_chunk_tokens=8192")
    let memory = DeviceMemory(scenario: scenario)
    #expect(memory.worst.bytes[.kvCache] == Double(18 * (131_072 + 128) * 2_048))
    #expect(memory.fits, "\(memory.worst.totalBytes / 1_073_741_824) GiB")
    let everyTokenEverywhere = try Self.load(
      "gpt-oss-120b.json", context, "model.attention.layer_types=[\"full\"]")
    #expect(
      DeviceMemory(scenario: everyTokenEverywhere).worst.bytes[.kvCache]
        == Double(36 * 131_072 * 2_048))
    let wholePrompt = try Self.load("gpt-oss-120b.json", context, "cluster.device=h100-sxm")
    #expect(!DeviceMemory(scenario: wholePrompt).fits)
    // Scores and values: 2 · 64 heads · (64 + 64) FLOPs a position, over 131,072 or 128.
    let compute = ComputeCost(model: scenario.model, context: 131_072)
    #expect(compute.forwardAttentionFLOPsPerToken == Double(18 * 16_384 * (131_072 + 128)))
  }

  /// Mistral 7B slides a 4,096-token window over every layer (its 32,768-position context is
  /// longer), so its cache stops at 4,096 tokens: 32 blocks · 2 · 8 · 128 · 2 bytes each.
  @Test func mistralSlidesEveryLayer() throws {
    let mistral = try Self.load("mistral-7b-v0.1.json", "memory.context=32768")
    #expect(mistral.model.attention.slidingWindow == 4096)
    #expect(mistral.model.attention.layerTypes.isEmpty)
    #expect(DeviceMemory(scenario: mistral).worst.bytes[.kvCache] == Double(32 * 4096 * 4096))
  }

  /// Qwen's `max_window_layers` keeps the first layers on full attention when
  /// `use_sliding_window` is on.
  @Test func qwenWindowStartsAtMaxWindowLayers() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try Data(
      contentsOf: URL(fileURLWithPath: HuggingFaceSizeTests.fixturePath("qwen2-7b-instruct.json")))
    guard case .object(var fields) = try JSONValue.parseJSON5(source) else {
      Issue.record("not an object")
      return
    }
    fields["use_sliding_window"] = .bool(true)
    fields["sliding_window"] = .integer(4096)
    fields["max_window_layers"] = .integer(26)
    let config = folder.appendingPathComponent("config.json")
    try JSONEncoder().encode(JSONValue.object(fields)).write(to: config)
    let attention = try Scenario.load(path: config.path).model.attention
    #expect(attention.slidingWindow == 4096)
    #expect(attention.layerTypes == Array(repeating: .full, count: 26) + [.sliding, .sliding])
  }
}
