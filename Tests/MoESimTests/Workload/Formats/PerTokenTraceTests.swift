import Foundation
import Testing

@testable import MoESim

/// Per-token records replayed as decisions traces: the shipped vLLM `.npy` and SGLang
/// `per_token` JSON hold the routing of `example-decisions.csv` (converted with NumPy, see the
/// README), so their replays equal the replay of that CSV without its gate column (gates
/// `1/k` in all three) in every output file; bad elements are named.
@Suite struct PerTokenTraceTests {
  static let moeLayers = [1, 2]

  @Test func replaysEqualTheCSVReplay() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let rows = try TestSupport.readCSV(
      URL(fileURLWithPath: TestSupport.scenarioPath("traces/example-decisions.csv")))
    let plain = folder.appendingPathComponent("no-gates.csv")
    try (rows.map { $0.prefix(4).joined(separator: ",") }.joined(separator: "\n") + "\n")
      .write(to: plain, atomically: true, encoding: .utf8)
    var outputs: [[String]] = []
    for trace in [
      plain.path, TestSupport.scenarioPath("traces/example-vllm-routed-experts.npy"),
      TestSupport.scenarioPath("traces/example-sglang-per-token.json"),
    ] {
      let out = folder.appendingPathComponent("run-\(outputs.count)")
      let outcome = try CommandLineTests().moesim([
        "run", TestSupport.scenarioPath("trace-replay.json5"), "--set", "workload.trace=\(trace)",
        "--out", out.path, "--quiet",
      ])
      #expect(outcome.status == 0, "\(outcome.standardError)")
      outputs.append(
        try ["summary.csv", "steps.csv", "experts.csv"].map {
          try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
        })
    }
    #expect(outputs[1] == outputs[0])
    #expect(outputs[2] == outputs[0])
  }

  func load(_ text: String, tokens: Int = 2, steps: Int = 1) throws -> RoutingTrace {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("t.json")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return try RoutingTrace.load(
      path: file.path, steps: steps, moeLayers: Self.moeLayers, tokens: tokens, experts: 4,
      topK: 2)
  }

  /// Token 1 of layer ordinal 0 picks experts 3 and 0; −1 leaves a slot empty.
  @Test func vLLMJSONIsLaidOutByStepLayerToken() throws {
    let trace = try load(#"{"routed_experts": [[[0, 1], [2, -1]], [[3, 0], [1, 2]]]}"#)
    #expect(trace.content == .decisions)
    #expect(trace.slots == 2)
    // selected is steps × layers × tokens × slots: (layer 0: t0, t1), (layer 1: t0, t1).
    #expect(trace.selected == [0, 1, 3, 0, 2, -1, 1, 2])
    #expect(trace.gates == [0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 0.5])
  }

  @Test(arguments: [
    (
      #"{"routed_experts": [[[0, 1], [2, 9]], [[3, 0], [1, 2]]]}"#,
      "routed_experts[0][1][1] = 9.0 is out of range; allowed an expert id 0...3"
    ),
    (
      #"{"routed_experts": [[[0, 0], [2, 1]], [[3, 0], [1, 2]]]}"#,
      "routed_experts[0][0][1] = 0 repeats an expert of the same token"
    ),
    (
      #"{"routed_experts": [[[0, 1], [2, 3]]]}"#,
      "routed_experts holds 1 tokens; workload.steps × tokens_per_step = 1 × 2 = 2"
    ),
    (
      #"{"routed_experts": [[[0]], [[1]]]}"#,
      "routed_experts has 1 layers; the model has 2 MoE layers (blocks 1, 2)"
    ),
    (
      #"{"records": [{"topk_ids_of_layer": [[[0, 1]]]}]}"#,
      "records[0].topk_ids_of_layer has shape (1, 1, 2); expected (layers, 2, k)"
    ),
    (#"{"other": 1}"#, "routed_experts is required but missing (vLLM's routed experts; SGLang's"),
  ])
  func badRecordsAreNamed(text: String, problem: String) {
    do {
      _ = try load(text)
      Issue.record("accepted \(text)")
    } catch {
      #expect("\(error)".contains(problem), "\(error)")
    }
  }
}
