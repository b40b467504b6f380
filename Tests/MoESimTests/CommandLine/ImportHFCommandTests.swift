import Foundation
import Testing

@testable import MoESim

/// `moesim import-hf` and config.json files in place of scenarios, through the built binary.
@Suite struct ImportHFCommandTests {
  let cli = CommandLineTests()

  @Test func importWritesTheCommentedScenarioThatParamsReads() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = HuggingFaceSizeTests.fixturePath("qwen3-30b-a3b.json")
    let out = folder.appendingPathComponent("qwen.json5").path
    let written = try cli.moesim(["import-hf", config, "--out", out])
    #expect(written.status == 0, "\(written.standardError)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("experts: 128,  // num_experts"))
    #expect(text.contains("qk_norm: \"head\",  // Qwen3 q_norm/k_norm"))
    // The written scenario and the config give the same table.
    let fromScenario = try cli.moesim(["params", out, "--csv"])
    let fromConfig = try cli.moesim(["params", config, "--csv"])
    #expect(fromConfig.status == 0, "\(fromConfig.standardError)")
    #expect(fromScenario.standardOutput == fromConfig.standardOutput)
    let printed = try cli.moesim(["import-hf", config])
    #expect(printed.standardOutput == text)
  }

  @Test func badConfigsExit65NamingFileAndKey() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("config.json")
    try Data(#"{"model_type": "bloom", "hidden_size": 64}"#.utf8).write(to: config)
    for command in [
      ["import-hf", config.path], ["params", config.path], ["memory", config.path],
    ] {
      let result = try cli.moesim(command)
      #expect(result.status == 65)
      #expect(result.standardError.contains("\(config.path): model_type = \"bloom\""))
    }
    #expect(try cli.moesim(["import-hf"]).status == 64)
  }

  @Test func helpTeachesImportHF() throws {
    let help = try cli.moesim(["help", "import-hf"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("hf_config"))
    #expect(try cli.moesim(["--help"]).standardOutput.contains("import-hf CONFIG.json"))
  }
}
