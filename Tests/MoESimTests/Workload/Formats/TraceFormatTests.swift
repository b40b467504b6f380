import Foundation
import Testing

@testable import MoESim

/// `workload.format` names the trace's format whatever the file is called; absent, the name
/// decides (`TraceFormat.detect`); a file without what the named format needs is refused.
@Suite struct TraceFormatTests {
  @Test func theNameDecidesWhenTheFormatIsNotGiven() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sglang = folder.appendingPathComponent("s.json")
    try #"{"records": []}"#.write(to: sglang, atomically: true, encoding: .utf8)
    let vllm = folder.appendingPathComponent("v.json")
    try #"{"routed_experts": []}"#.write(to: vllm, atomically: true, encoding: .utf8)
    #expect(TraceFormat.detect(path: sglang.path) == .sglang)
    #expect(TraceFormat.detect(path: vllm.path) == .vllm)
    #expect(TraceFormat.detect(path: "x.jsonl") == .moeBalance)
    #expect(TraceFormat.detect(path: "x.npy") == .vllm)
    #expect(TraceFormat.detect(path: "x.txt") == .csv)
  }

  /// The shipped moe-balance example renamed `.txt` replays with `workload.format =
  /// "moe-balance"` exactly as under its own name; read as a CSV it is refused by its header.
  @Test func aNamedFormatOverridesTheName() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let renamed = folder.appendingPathComponent("routing.txt")
    try FileManager.default.copyItem(
      atPath: TestSupport.scenarioPath("traces/example-moe-balance.jsonl"), toPath: renamed.path)
    let named = try TestSupport.scenario(
      "trace-replay.json5", "workload.trace=\(renamed.path)", "workload.format=moe-balance")
    let original = try TestSupport.scenario(
      "trace-replay.json5",
      "workload.trace=\(TestSupport.scenarioPath("traces/example-moe-balance.jsonl"))")
    let collect = { (scenario: Scenario) throws -> [[LayerStepMetrics]] in
      var steps: [[LayerStepMetrics]] = []
      _ = try Simulation(scenario: scenario).run(threads: 1) { _, layers in steps.append(layers) }
      return steps
    }
    #expect(try collect(named) == collect(original))
    let asCSV = try TestSupport.scenario(
      "trace-replay.json5", "workload.trace=\(renamed.path)", "workload.format=csv")
    #expect(throws: TraceError.self) { try collect(asCSV) }
  }

  @Test func aFileWithoutWhatTheFormatNeedsIsRefused() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("r.json")
    try #"{"records": []}"#.write(to: file, atomically: true, encoding: .utf8)
    #expect(
      throws: TraceError(
        file: file.path, line: nil,
        message:
          "routed_experts is required but missing (vLLM's routed experts; SGLang's per_token "
          + "dump has records)")
    ) {
      try RoutingTrace.load(
        path: file.path, format: .vllm, steps: 1, moeLayers: [1], tokens: 2, experts: 4, topK: 2)
    }
  }
}
