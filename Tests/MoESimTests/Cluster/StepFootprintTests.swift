import Foundation
import Testing

@testable import MoESim

/// A timed step whose KV cache or activations cannot fit on its devices is refused, naming the
/// figures, before anything is simulated or written.
@Suite struct StepFootprintTests {
  static let decode = [
    "cluster.device=h100-sxm", "cluster.placement={}", "cluster.cost.mode=decode",
    "memory.context=32768",
  ]

  static func deepSeek(tokens: Int) throws -> Scenario {
    try Scenario.load(
      path: TestSupport.scenarioPath("deepseek-v3.json5"),
      overrides: (decode + ["workload.tokens_per_step=\(tokens)"]).map(
        ScenarioOverride.init(parsing:)))
  }

  /// DeepSeek-V3 (tp 8 × pp 2, file's 80 GiB) decoding 1,024 sequences at a 32K context: stage
  /// 0 holds 31 of the 61 blocks, and MLA's 576-scalar latent is cached whole on every tensor
  /// rank in bf16: 1,024 · 32,768 · 576 · 2 · 31 bytes = 1,116 GiB of cache on one device.
  @Test func deepSeekDecodeOf1024SequencesAt32KIsRefused() throws {
    let scenario = try Self.deepSeek(tokens: 1024)
    let footprint = try #require(StepFootprint(scenario: scenario))
    #expect(!footprint.fits)
    let kv: Double = 1024 * 32_768 * 576 * 2 * 31
    let worst = footprint.worst
    #expect(worst.index == 0)
    #expect(worst.kvCacheBytes == kv)
    let weights = DeviceMemory(scenario: scenario).stages[0].bytes[.weights] ?? 0
    #expect(footprint.worst.weightBytes == weights)
    let error = StepFootprint.refusal(scenario, file: "ds.json5")
    let message = error?.description ?? ""
    #expect(message.hasPrefix("ds.json5: workload.tokens_per_step = 1024 is out of range"))
    #expect(message.contains("KV cache 1116.0 GiB"))
    #expect(message.contains("of 80.0 GiB available"))
    // The largest step it names fits, one more does not.
    let words = message.split(separator: " ").map(String.init)
    let most = try #require(words.firstIndex(of: "most"))
    let limit = try #require(Int(words[most + 1]))
    for (tokens, fits) in [(limit, true), (limit + 1, false)] {
      let probe = try Self.deepSeek(tokens: tokens)
      #expect(StepFootprint(scenario: probe)?.fits == fits, "\(tokens)")
    }
    // The library refuses too, before it creates the folder.
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("moesim-\(UUID())")
    #expect(throws: ScenarioError.self) {
      try RunWriter.run(scenario, folder: out.path, threads: 1)
    }
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// Prefill writes the keys and values of its prompt tokens: 2,048 tokens of 1,024-token
  /// prompts over dp 2 are one prompt per replica, 1,024 tokens of cache per device.
  @Test func prefillHoldsItsPromptsCache() throws {
    let scenario = try TestSupport.quickstart([
      "cluster.device=h100-sxm", "cluster.placement={}", "cluster.layout={tp: 2, dp: 2, ep: 4}",
      "memory.context=1024", "workload.tokens_per_step=2048",
    ])
    let footprint = try #require(StepFootprint(scenario: scenario))
    // Quickstart: 8 blocks, 4 KV heads of 64 split over tp 2, bf16: 2 · 2 · 64 · 2 bytes.
    let kv: Double = 1024 * 8 * (2 * 2 * 64) * 2
    #expect(footprint.worst.kvCacheBytes == kv)
    #expect(footprint.fits && StepFootprint.refusal(scenario, file: "q") == nil)
  }

  @Test func untimedStepsAreNotChecked() throws {
    let big = ["workload.tokens_per_step=4096", "memory.context=1000000"]
    // No device, an MoE without placement, or training: nothing is timed here.
    for overrides in [
      big, big + ["cluster.device=h100-sxm"],
      big + ["cluster.device=h100-sxm", "cluster.placement={}", "cluster.cost.mode=training"],
    ] {
      #expect(StepFootprint(scenario: try TestSupport.quickstart(overrides)) == nil)
    }
  }

  /// Through the binary: exit 65, one line naming the file and the figures, nothing written.
  @Test func commandLineRefusesWithDataError() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("moesim-\(UUID())")
    let path = TestSupport.scenarioPath("deepseek-v3.json5")
    let result = try CommandLineTests().moesim(
      ["run", path, "--out", out.path] + Self.decode.flatMap { ["--set", $0] } + [
        "--set", "workload.tokens_per_step=1024",
      ])
    #expect(result.status == 65)
    #expect(result.standardError.hasPrefix("error: \(path): workload.tokens_per_step = 1024"))
    #expect(result.standardError.contains("needs 1153.9 GiB per device on pipeline stage 0"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }
}
