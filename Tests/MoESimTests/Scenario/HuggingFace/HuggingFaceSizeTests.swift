import Foundation
import Testing

@testable import MoESim

/// The parameter counts of published `config.json` files (Fixtures/hf, sources in SOURCES.md)
/// against the sizes their publishers state.
@Suite struct HuggingFaceSizeTests {
  /// One published model: its config fixture, the stated total and active sizes, and the unit
  /// of the last digit they are stated to.
  struct Published: Sendable, CustomStringConvertible {
    var fixture: String
    var total: Double
    var active: Double
    var unit: Double
    /// The unit of the total's last digit, when it differs from `unit`.
    var totalUnit: Double? = nil
    /// Where the stated sizes come from.
    var source: String
    var description: String { fixture }
  }

  static func fixturePath(_ name: String) -> String {
    TestSupport.packageRoot.appendingPathComponent("Tests/MoESimTests/Fixtures/hf/\(name)").path
  }

  static let billion = 1e9

  static let published: [Published] = [
    Published(
      fixture: "mixtral-8x7b-v0.1.json", total: 46.7e9, active: 12.9e9, unit: 0.1e9,
      source: "Jiang et al. 2024, arXiv:2401.04088, sec. 2: 46.7B total, 12.9B active"),
    Published(
      fixture: "meta-llama-3-8b.json", total: 8.03e9, active: 8.03e9, unit: 0.01e9,
      source: "Hub model page of meta-llama/Meta-Llama-3-8B: 8.03B params"),
    Published(
      fixture: "llama-3-70b-instruct-131k.json", total: 70.6e9, active: 70.6e9, unit: 0.1e9,
      source: "Hub model page of meta-llama/Meta-Llama-3-70B: 70.6B params"),
    Published(
      fixture: "qwen2-7b-instruct.json", total: 7.6e9, active: 7.6e9, unit: 0.1e9,
      source: "Qwen2 report, arXiv:2407.10671, table 1: Qwen2-7B 7.6B parameters"),
    Published(
      fixture: "qwen2-57b-a14b.json", total: 57e9, active: 14e9, unit: 1e9,
      source: "model card of Qwen/Qwen2-57B-A14B: 57B total, 14B activated"),
    Published(
      fixture: "qwen3-8b.json", total: 8.2e9, active: 8.2e9, unit: 0.1e9,
      source: "model card of Qwen/Qwen3-8B: 8.2B parameters (6.95B non-embedding)"),
    Published(
      fixture: "qwen3-30b-a3b.json", total: 30.5e9, active: 3.3e9, unit: 0.1e9,
      source: "model card of Qwen/Qwen3-30B-A3B: 30.5B total, 3.3B activated"),
    Published(
      fixture: "qwen1.5-moe-a2.7b.json", total: 14.3e9, active: 2.7e9, unit: 0.1e9,
      source: "model card of Qwen/Qwen1.5-MoE-A2.7B: 14.3B total, 2.7B activated"),
    Published(
      fixture: "olmoe-1b-7b.json", total: 6.9e9, active: 1.3e9, unit: 0.1e9,
      source: "model card of allenai/OLMoE-1B-7B-0924: 6.9B total, 1.3B active"),
    Published(
      fixture: "deepseek-r1.json", total: 671e9, active: 37e9, unit: 1e9,
      source: "DeepSeek-V3 report arXiv:2412.19437 (R1 shares the architecture): 671B, 37B"),
    Published(
      fixture: "deepseek-v2-lite.json", total: 15.7e9, active: 2.4e9, unit: 0.1e9,
      source: "model card of deepseek-ai/DeepSeek-V2-Lite: 15.7B total, 2.4B activated"),
    Published(
      // "1T" is one digit; exactCountsWherePublishersGiveThem checks the exact inventory.
      fixture: "kimi-k2-instruct.json", total: 1e12, active: 32e9, unit: 1e9, totalUnit: 1e12,
      source: "model card of moonshotai/Kimi-K2-Instruct: 1T total, 32B activated"),
    // Granite's "800M" leaves out the tied embedding (807.37M); MoESim counts it as the active
    // output head (882.87M). Both are within one unit of the stated digit.
    Published(
      fixture: "granite-3.1-3b-a800m.json", total: 3.3e9, active: 0.8e9, unit: 0.1e9,
      source: "model card of ibm-granite/granite-3.1-3b-a800m-instruct: 3.3B total, 800M active"),
    Published(
      fixture: "dbrx-instruct.json", total: 132e9, active: 36e9, unit: 1e9,
      source: "model card of databricks/dbrx-instruct: 132B total, 36B active"),
    Published(
      fixture: "mistral-7b-v0.1.json", total: 7.3e9, active: 7.3e9, unit: 0.1e9,
      source: "Mistral AI, \"Announcing Mistral 7B\" (2023): a 7.3B parameter model"),
    // The active sizes leave out the input embedding (the unembedding counts).
    Published(
      fixture: "gpt-oss-120b.json", total: 116.83e9, active: 5.13e9, unit: 0.01e9,
      source: "OpenAI 2025, gpt-oss model card (arXiv:2508.10925), table 1: 116.83B, 5.13B active"),
    Published(
      fixture: "gpt-oss-20b.json", total: 20.91e9, active: 3.61e9, unit: 0.01e9,
      source: "OpenAI 2025, gpt-oss model card (arXiv:2508.10925), table 1: 20.91B, 3.61B active"),
  ]

  /// Within max(1 %, one unit of the last published digit), as the publishers round.
  @Test(arguments: published)
  func countsMatchThePublishedSizes(_ model: Published) throws {
    let scenario = try Scenario.load(path: Self.fixturePath(model.fixture))
    let count = ParameterCount(model: scenario.model)
    let totalSlack = max(0.01 * model.total, model.totalUnit ?? model.unit)
    let activeSlack = max(0.01 * model.active, model.unit)
    #expect(abs(count.total - model.total) <= totalSlack, "\(model.source): \(count.total)")
    #expect(abs(count.active - model.active) <= activeSlack, "\(model.source): \(count.active)")
  }

  /// Exact figures where the publisher's own count is exact. Llama-3-8B's safetensors hold
  /// 16,060,522,496 bytes of bf16 weights (`total_size` of its model.safetensors.index.json),
  /// i.e. 8,030,261,248 parameters. Kimi-K2-Instruct's checkpoint inventory (SOURCES.md) lists
  /// 1,026,470,731,056 tensor elements, among them tensors that are not weights, summed here
  /// from its table: fp32 block scales `weight_scale_inv` of the attention projections
  /// (61 × (5·56 + 128·4 + 56·64 + 12·56 + 96·12) = 378,200), of layer 0's dense MLP
  /// (3 × 56·144 = 24,192), of the routed experts (3 × 60 × 384 × 56·16 = 61,931,520) and of the
  /// shared experts (3 × 60 × 56·16 = 161,280), and the rotary `inv_freq` buffers (61 × 56 =
  /// 3,416): 62,498,608 in all.
  @Test func exactCountsWherePublishersGiveThem() throws {
    let llama = try Scenario.load(path: Self.fixturePath("meta-llama-3-8b.json"))
    #expect(ParameterCount(model: llama.model).total == 8_030_261_248)
    let kimi = try Scenario.load(path: Self.fixturePath("kimi-k2-instruct.json"))
    #expect(ParameterCount(model: kimi.model).total == 1_026_470_731_056 - 62_498_608)
  }

  /// DeepSeek-V2.5's model through `model.hf_config` (a scenario with its own router):
  /// 236B total, 21B activated (DeepSeek-V2 paper, arXiv:2405.04434,
  /// abstract; V2.5 keeps the architecture).
  @Test func modelOfARefusedRouterStillImportsThroughHFConfig() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("deepseek-v2.5.json")
    try FileManager.default.copyItem(
      at: URL(fileURLWithPath: Self.fixturePath("deepseek-v2.5.json")), to: config)
    let scenario = folder.appendingPathComponent("v25.json5")
    try Data(#"{ name: "v25", model: { hf_config: "deepseek-v2.5.json" } }"#.utf8)
      .write(to: scenario)
    let count = ParameterCount(model: try Scenario.load(path: scenario.path).model)
    #expect(abs(count.total - 236e9) <= 2.36e9)
    #expect(abs(count.active - 21e9) <= 1e9)
  }

  /// DBRX's norms are `nn.LayerNorm(bias=False)`: a bias would add one vector of d_model per
  /// norm, (2 × 40 + 1) × 6144 = 497,664 parameters.
  @Test func dbrxNormsCarryNoBias() throws {
    let path = Self.fixturePath("dbrx-instruct.json")
    let imported = try Scenario.load(path: path)
    #expect(imported.model.norm == .layernormNoBias)
    let biased = try Scenario.load(
      path: path, overrides: [try ScenarioOverride(parsing: "model.norm=layernorm")])
    let difference =
      ParameterCount(model: biased.model).total - ParameterCount(model: imported.model).total
    #expect(difference == Double((2 * 40 + 1) * 6144))
  }
}
