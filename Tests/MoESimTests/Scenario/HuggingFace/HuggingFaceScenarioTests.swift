import Foundation
import Testing

@testable import MoESim

/// Importing the config behind each shipped scenario gives the hand-written scenario's
/// parameters; the `import-hf` text reads back as the same scenario; `model.hf_config` merges
/// explicit keys over the config's.
@Suite struct HuggingFaceScenarioTests {
  /// (config fixture, shipped scenario transcribed by hand from that model's published config).
  /// deepseek-r1.json has DeepSeek-V3's architecture; llama-3-70b-instruct-131k.json differs
  /// from Meta-Llama-3-70B's config only in RoPE scaling and context, which have no weights.
  static let pairs: [(String, String)] = [
    ("mixtral-8x7b-v0.1.json", "mixtral-8x7b.json5"),
    ("olmoe-1b-7b.json", "olmoe-1b-7b.json5"),
    ("qwen3-30b-a3b.json", "qwen3-30b-a3b.json5"),
    ("deepseek-r1.json", "deepseek-v3.json5"),
    ("meta-llama-3-8b.json", "llama3-8b-dense.json5"),
    ("llama-3-70b-instruct-131k.json", "llama3-70b-dense.json5"),
  ]

  @Test(arguments: pairs)
  func importedConfigCountsLikeTheShippedScenario(config: String, shipped: String) throws {
    let imported = try Scenario.load(path: HuggingFaceSizeTests.fixturePath(config))
    let handWritten = try TestSupport.scenario(shipped)
    #expect(ParameterCount(model: imported.model) == ParameterCount(model: handWritten.model))
    #expect(imported.model.moe == handWritten.model.moe)
    #expect(imported.model.attention == handWritten.model.attention)
  }

  /// The printed scenario parses back to the model and router of the config itself, and every
  /// key line carries the comment naming its source.
  @Test(arguments: HuggingFaceSizeTests.published.map(\.fixture))
  func importedTextReadsBackAsTheSameScenario(_ fixture: String) throws {
    let path = HuggingFaceSizeTests.fixturePath(fixture)
    let text = try HuggingFaceImport.scenarioText(configAt: path)
    let reread = try Scenario.parse(Data(text.utf8), file: "imported.json5")
    let direct = try Scenario.load(path: path)
    #expect(reread.model == direct.model)
    #expect(reread.router == direct.router)
    #expect(reread.precision == direct.precision)
    let keyLines = text.split(separator: "\n").filter {
      $0.contains(": ") && !$0.hasSuffix("{") && !$0.hasPrefix("//")
        && !$0.contains("name: ") && !$0.contains("description: ")
    }
    #expect(!keyLines.isEmpty)
    #expect(keyLines.allSatisfy { $0.contains(",  // ") }, "\(keyLines)")
  }

  /// A path with a quote and a backslash still gives a scenario that parses.
  @Test func importedTextEscapesThePath() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let odd = folder.appendingPathComponent(#"my "model"\v1"#)
    try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
    let config = odd.appendingPathComponent("config.json")
    try FileManager.default.copyItem(
      at: URL(fileURLWithPath: HuggingFaceSizeTests.fixturePath("olmoe-1b-7b.json")), to: config)
    let text = try HuggingFaceImport.scenarioText(configAt: config.path)
    let scenario = try Scenario.parse(Data(text.utf8), file: "odd.json5")
    #expect(scenario.description == "Imported from \(config.path).")
    #expect(scenario.name == "my--model--v1")
  }

  /// Explicit keys win over the config's, nested objects merge key by key, and the path is read
  /// from the scenario's folder.
  @Test func hfConfigKeysAreOverriddenByExplicitOnes() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sub = folder.appendingPathComponent("models")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: URL(fileURLWithPath: HuggingFaceSizeTests.fixturePath("mixtral-8x7b-v0.1.json")),
      to: sub.appendingPathComponent("config.json"))
    let scenario = folder.appendingPathComponent("s.json5")
    try Data(
      #"""
      { name: "s", model: { hf_config: "models/config.json", layers: 4, moe: { top_k: 1 } } }
      """#.utf8
    ).write(to: scenario)
    let model = try Scenario.load(path: scenario.path).model
    #expect(model.layers == 4)
    #expect(model.moe?.topK == 1)
    #expect(model.moe?.experts == 8)  // from num_local_experts, untouched
    #expect(model.attention.kvHeads == 8)
    // --set reaches keys the config filled in, as any scenario key.
    let overridden = try Scenario.load(
      path: scenario.path, overrides: [try ScenarioOverride(parsing: "model.hidden_size=1024")])
    #expect(overridden.model.hiddenSize == 1024)
  }

  /// A config.json used as a scenario is named after its folder and routes as the config says.
  @Test func configInPlaceOfAScenarioTakesItsRouter() throws {
    let scenario = try Scenario.load(path: HuggingFaceSizeTests.fixturePath("deepseek-r1.json"))
    #expect(scenario.name == "deepseek-r1")
    #expect(scenario.router.kind == .sigmoidTopK)
    #expect(scenario.router.groups == 8 && scenario.router.topKGroups == 4)
    #expect(scenario.router.routedScalingFactor == 2.5)
    #expect(scenario.precision.weights == .fp8)
    #expect(scenario.model.mtpModules == 1)
    let olmoe = try Scenario.load(path: HuggingFaceSizeTests.fixturePath("olmoe-1b-7b.json"))
    #expect(olmoe.router.kind == .softmaxTopK && !olmoe.router.normalizeTopK)
    let granite = try Scenario.load(
      path: HuggingFaceSizeTests.fixturePath("granite-3.1-3b-a800m.json"))
    #expect(granite.router.scoreOrder == .topKThenSoftmax)
    #expect(granite.model.tiedEmbeddings)
  }

  /// DeepSeek's `moe_layer_freq`: layer i ≥ first_k_dense_replace is MoE when i % freq == 0; the
  /// other layers become `moe.dense_layers`. With 8 layers, first 1, freq 2: MoE layers 2, 4, 6.
  @Test func moeLayerFrequencyBecomesDenseLayers() throws {
    let config = try JSONValue.parseJSON5(
      Data(
        try String(
          contentsOfFile: HuggingFaceSizeTests.fixturePath("deepseek-v2-lite.json"), encoding: .utf8
        ).utf8))
    guard case .object(var fields) = config else { throw CocoaError(.fileReadCorruptFile) }
    fields["num_hidden_layers"] = .integer(8)
    fields["moe_layer_freq"] = .integer(2)
    let tree = try HuggingFaceImport.scenarioTree(config: .object(fields), file: "c.json")
    let scenario = try Scenario(tree: tree, file: "c.json")
    #expect(scenario.model.moeLayerIndices == [2, 4, 6])
  }
}
