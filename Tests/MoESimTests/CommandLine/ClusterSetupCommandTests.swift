import Foundation
import MoESim
import Testing

/// `cluster.devices` follows an overridden layout; `moesim run --layout` and `--precision`.
@Suite struct ClusterSetupCommandTests {
  let cli = CommandLineTests()
  let deepseek = TestSupport.scenarioPath("deepseek-v3.json5")

  @Test func anOverriddenLayoutDerivesTheDeviceCountUnlessPinned() throws {
    // The file pins devices: 16 for tp 8 × pp 2; tp 8 × ep 8 alone is 8 devices.
    let derived = try cli.moesim(["validate", deepseek, "--set", "cluster.layout={tp:8,ep:8}"])
    #expect(derived.status == 0, "\(derived.standardError)")
    let memory = try cli.moesim(["memory", deepseek, "--set", "cluster.layout={tp:8,ep:8}"])
    #expect(memory.status == 0 && memory.standardOutput.contains("tp=8,ep=8,expert_tp=1,dp=1,pp=1"))
    // A key under the layout counts as overriding it.
    #expect(try cli.moesim(["validate", deepseek, "--set", "cluster.layout.pp=1"]).status == 0)
    // Pinned and conflicting: a usage error naming both overrides.
    let pinned = try cli.moesim([
      "validate", deepseek, "--set", "cluster.layout={tp:8,ep:8}", "--set", "cluster.devices=16",
    ])
    #expect(pinned.status == 64)
    #expect(pinned.standardError.contains("--set cluster.devices=16: cluster.devices = 16"))
    #expect(pinned.standardError.contains("as set by --set cluster.layout={tp:8,ep:8}"))
    // Pinned and agreeing is fine; the file's own conflict stays a file error (65).
    #expect(
      try cli.moesim([
        "validate", deepseek, "--set", "cluster.layout={tp:8,ep:8}", "--set", "cluster.devices=8",
      ]).status == 0)
    #expect(try cli.moesim(["validate", deepseek, "--set", "cluster.devices=8"]).status == 64)
  }

  @Test func runTakesLayoutAndPrecisionAsParamsDoes() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try cli.moesim(
      [
        "run", deepseek, "--layout", "tp=8,ep=8", "--precision", "bf16", "--set",
        "workload.steps=1", "--set", "workload.tokens_per_step=64", "--set",
        "router.warmup_steps=0", "--no-step-trace", "--quiet",
        "--out", "r",
      ], in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let echo = try Data(contentsOf: folder.appendingPathComponent("r/scenario.json"))
    let tree = try #require(try JSONSerialization.jsonObject(with: echo) as? [String: Any])
    let cluster = try #require(tree["cluster"] as? [String: Any])
    let layout = try #require(cluster["layout"] as? [String: Any])
    #expect(cluster["devices"] as? Int == 8)
    #expect(layout["tp"] as? Int == 8 && layout["ep"] as? Int == 8 && layout["pp"] as? Int == 1)
    #expect((tree["precision"] as? [String: Any])?["weights"] as? String == "bf16")
    // The same parser as params: a bad layout is a usage error naming --layout.
    let bad = try cli.moesim(["run", deepseek, "--layout", "tp=8,bogus=2"])
    #expect(bad.status == 64 && bad.standardError.contains("--layout 'tp=8,bogus=2'"))
    #expect(try cli.moesim(["help", "run"]).standardOutput.contains("--layout L"))
  }
}

/// `moesim help scenario [BLOCK]`.
@Suite struct HelpScenarioCommandTests {
  let cli = CommandLineTests()

  @Test func helpScenarioListsEveryKeyAndNarrowsToABlock() throws {
    let all = try cli.moesim(["help", "scenario"])
    #expect(all.status == 0)
    for key in ScenarioKeys.all {
      #expect(all.standardOutput.contains("  \(key.path)  \(key.type.rawValue)  "), "\(key.path)")
    }
    let router = try cli.moesim(["help", "scenario", "router"])
    #expect(router.status == 0)
    #expect(router.standardOutput.contains("router.capacity_factor  number  default null"))
    #expect(!router.standardOutput.contains("model.moe.top_k"))
    let bad = try cli.moesim(["help", "scenario", "routr"])
    #expect(bad.status == 64 && bad.standardError.contains("'routr' is not a scenario block"))
  }
}
