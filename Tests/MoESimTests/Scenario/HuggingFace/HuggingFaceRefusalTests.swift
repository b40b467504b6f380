import Foundation
import Testing

@testable import MoESim

/// Configs the importer must refuse, each naming the file, the key and what was expected.
@Suite struct HuggingFaceRefusalTests {
  /// The mixtral fixture's tree with `edit` applied.
  static func mixtral(_ edit: (inout [String: JSONValue]) -> Void) throws -> JSONValue {
    let text = try String(
      contentsOfFile: HuggingFaceSizeTests.fixturePath("mixtral-8x7b-v0.1.json"), encoding: .utf8)
    guard case .object(var fields) = try JSONValue.parseJSON5(Data(text.utf8)) else {
      throw CocoaError(.fileReadCorruptFile)
    }
    edit(&fields)
    return .object(fields)
  }

  static func error(_ tree: JSONValue, file: String = "m/config.json") -> ScenarioError? {
    do {
      _ = try HuggingFaceImport.scenarioTree(config: tree, file: file)
      return nil
    } catch {
      return error as? ScenarioError
    }
  }

  @Test func unknownModelTypeListsTheImportedOnes() throws {
    let error = try #require(Self.error(try Self.mixtral { $0["model_type"] = .string("bloom") }))
    #expect(error.file == "m/config.json" && error.path == "model_type")
    #expect(error.description.contains("\"bloom\" is out of range; allowed one of"))
    #expect(error.description.contains("\"mixtral\"") && error.description.contains("\"dbrx\""))
  }

  @Test func missingSizeIsRequired() throws {
    let error = try #require(Self.error(try Self.mixtral { $0["hidden_size"] = nil }))
    #expect(
      error.description
        == "m/config.json: hidden_size is required but missing (model_type \"mixtral\" needs it)")
  }

  @Test func outOfRangeValueNamesTheBound() throws {
    let error = try #require(
      Self.error(try Self.mixtral { $0["num_experts_per_tok"] = .integer(9) }))
    #expect(error.path == "num_experts_per_tok")
    #expect(error.description.contains("= 9 is out of range; allowed 1...8"))
  }

  /// A key no family reads could change the architecture, so it is not ignored.
  @Test func unknownKeyIsRefused() throws {
    let error = try #require(
      Self.error(try Self.mixtral { $0["num_shared_experts"] = .integer(1) }))
    #expect(error.path == "num_shared_experts")
    #expect(error.description.contains("is not a known key"))
  }

  /// Gated SiLU is what the families count; another activation is refused.
  @Test func otherActivationIsRefused() throws {
    let error = try #require(Self.error(try Self.mixtral { $0["hidden_act"] = .string("gelu") }))
    #expect(error.path == "hidden_act")
  }

  /// A feature MoESim lacks: Llama 4's chunked local attention. DeepSeek-V2.5's
  /// group-limited greedy router, once refused, imports as `group_score` "best".
  @Test func missingFeaturesAreRefusedNamingTheKey() throws {
    let deepseek = try Scenario.load(path: HuggingFaceSizeTests.fixturePath("deepseek-v2.5.json"))
    #expect(deepseek.router.groupScore == .best)
    #expect(deepseek.router.groups == 8 && deepseek.router.topKGroups == 3)
    let llama4 = try #require(
      Self.error(try Self.mixtral { $0["model_type"] = .string("llama4") }))
    #expect(llama4.path == "text_config.attention_chunk_size")
  }

  /// A window at least as long as the context changes nothing; a shorter one slides over every
  /// layer.
  @Test func windowShorterThanTheContextSlides() throws {
    func window(_ span: Int) throws -> Int? {
      let tree = try HuggingFaceImport.scenarioTree(
        config: try Self.mixtral { $0["sliding_window"] = .integer(span) }, file: "m/config.json")
      return try Scenario(tree: tree, file: "m/config.json").model.attention.slidingWindow
    }
    #expect(try window(32768) == nil)
    #expect(try window(4096) == 4096)
  }

  /// A missing or malformed `hf_config` file is reported against that file.
  @Test func missingHFConfigIsMissingInput() throws {
    let tree = JSONValue.object([
      "name": .string("x"), "model": .object(["hf_config": .string("/nonexistent/config.json")]),
    ])
    #expect {
      _ = try Scenario(tree: tree, file: "s.json5")
    } throws: { error in
      guard let error = error as? ScenarioError else { return false }
      return error.file == "/nonexistent/config.json" && error.isMissingInput
    }
  }
}
