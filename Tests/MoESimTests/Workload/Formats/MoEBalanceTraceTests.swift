import Foundation
import Testing

@testable import MoESim

/// The moe-balance JSON Lines trace: MoESim's own export replays to the same figures as the
/// decisions CSV export of the same run, the shipped example is the export of
/// `example-decisions.csv`'s replay, and bad lines are refused naming the file, the line and the
/// element.
@Suite struct MoEBalanceTraceTests {
  let cli = CommandLineTests()
  let small = [
    "--set", "model.layers=3", "--set", "workload.tokens_per_step=32", "--set",
    "workload.steps=2", "--set", "workload.vocab_size=256",
  ]

  /// Export → import → identical metrics: both exports of one run replay to byte-identical
  /// `summary.csv`, `steps.csv` and `experts.csv`, and `experts.csv` equals the run's own.
  @Test func exportReplaysLikeTheDecisionsCSV() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("t.csv").path
    let jsonl = folder.appendingPathComponent("t.jsonl").path
    #expect(try cli.moesim(["export-trace", "--out", csv] + small).status == 0)
    let export = try cli.moesim(
      ["export-trace", "--format", "moe-balance", "--out", jsonl] + small)
    #expect(export.status == 0, "\(export.standardError)")
    let lines = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2 * 2, "2 steps × 2 MoE layers")
    var outputs: [[String]] = []
    for (name, trace) in [("original", nil), ("csv", csv), ("jsonl", jsonl)] {
      let out = folder.appendingPathComponent(name)
      let replay = try cli.moesim(
        ["run", "--quiet", "--out", out.path] + small
          + (trace.map { ["--set", "workload.kind=trace", "--set", "workload.trace=\($0)"] } ?? []))
      #expect(replay.status == 0, "\(replay.standardError)")
      outputs.append(
        try ["summary.csv", "steps.csv", "experts.csv"].map {
          try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
        })
    }
    #expect(outputs[2] == outputs[1])
    #expect(outputs[2][2] == outputs[0][2])
  }

  /// `example-moe-balance.jsonl` is `moesim export-trace Scenarios/trace-replay.json5 --format
  /// moe-balance` today, and replays to the same files as `example-decisions.csv`.
  @Test func shippedExampleIsCurrentAndReplaysLikeTheCSV() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenario = TestSupport.scenarioPath("trace-replay.json5")
    let example = TestSupport.scenarioPath("traces/example-moe-balance.jsonl")
    let fresh = folder.appendingPathComponent("fresh.jsonl")
    try RoutingTraceExport.writeMoEBalance(
      TestSupport.scenario("trace-replay.json5"), to: fresh.path, threads: 2)
    #expect(try Data(contentsOf: fresh) == Data(contentsOf: URL(fileURLWithPath: example)))
    var outputs: [[String]] = []
    for trace in [TestSupport.scenarioPath("traces/example-decisions.csv"), example] {
      let out = folder.appendingPathComponent("run-\(outputs.count)")
      let replay = try cli.moesim([
        "run", scenario, "--set", "workload.trace=\(trace)", "--out", out.path, "--quiet",
      ])
      #expect(replay.status == 0, "\(replay.standardError)")
      outputs.append(
        try ["summary.csv", "steps.csv", "experts.csv"].map {
          try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
        })
    }
    #expect(outputs[1] == outputs[0])
  }

  func load(_ text: String, tokens: Int = 2, steps: Int = 1) throws -> RoutingTrace {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("t.jsonl")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return try RoutingTrace.load(
      path: file.path, steps: steps, moeLayers: [1, 3], tokens: tokens, experts: 4, topK: 2)
  }

  /// Layer ids may be block indices or MoE-layer ordinals; batches sort into steps; weights
  /// are the gates, and without them every expert weighs 1/top_k.
  @Test func linesAreLaidOutByStepLayerToken() throws {
    let blocks = try load(
      """
      {"layer": 3, "batch_id": 9, "topk_experts": [[2, 1], [0, 3]]}
      {"layer": 1, "batch_id": 9, "topk_experts": [[0, 1], [3, 2]], "origin_rows": [0, 1]}
      {"layer": 1, "batch_id": 4, "topk_experts": [[1, 0], [2, 3]]}
      {"layer": 3, "batch_id": 4, "topk_experts": [[3, 2], [1, 0]]}
      """, steps: 2)
    // steps × layers × tokens × slots: batch 4 (layer 1, layer 3), then batch 9.
    #expect(blocks.selected == [1, 0, 2, 3, 3, 2, 1, 0, 0, 1, 3, 2, 2, 1, 0, 3])
    #expect(blocks.gates == [Float](repeating: 0.5, count: 16))
    let ordinals = try load(
      """
      {"layer": 0, "batch_id": 0, "topk_experts": [[2], [0]], "topk_weights": [[0.25], [1]]}
      {"layer": 1, "batch_id": 0, "topk_experts": [[1], [3]], "topk_weights": [[0.5], [0.75]]}
      """)
    #expect(ordinals.selected == [2, 0, 1, 3])
    #expect(ordinals.gates == [0.25, 1, 0.5, 0.75])
  }

  @Test(arguments: [
    (
      #"{"layer": 3, "batch_id": 0, "topk_experts": [[0, 1], [1, 2]]}"# + "\n"
        + #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 9], [1, 2]]}"#,
      "t.jsonl:2: topk_experts[0][1] = 9.0 is out of range; allowed an expert id 0...3 (model.moe.experts) or -1 (empty)"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_expert": [[0, 1], [1, 2]]}"#,
      "t.jsonl:1: topk_expert is not a known key; allowed layer, batch_id, topk_experts, topk_weights, origin_rows, request_id, source_file"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1], [1, 2], [3, 0]]}"#,
      "t.jsonl:1: topk_experts has shape (3, 2); expected (2, k) (workload.tokens_per_step = 2, k ≥ 1)"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1], [1, 2]], "topk_weights": [[0.5], [1]]}"#,
      "t.jsonl:1: topk_weights has shape (2, 1); topk_experts has (2, 2)"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1], [1, 2]], "topk_weights": [[0.5, -1], [1, 0]]}"#,
      "t.jsonl:1: topk_weights[0][1] = -1.0 is out of range; allowed a finite gate ≥ 0"
    ),
    (
      #"{"layer": 5, "batch_id": 0, "topk_experts": [[0, 1], [1, 2]]}"#,
      "t.jsonl:1: layer = 5 is neither an MoE layer of the model (blocks 1, 3) nor an MoE-layer ordinal 0...1"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1], [1, 2]]}"#,
      "t.jsonl: no line for batch_id 0, MoE layer 3 (every batch covers every MoE layer)"
    ),
    (
      #"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1], [1, 2"#,
      "t.jsonl:1: not valid JSON"
    ),
  ])
  func badLinesAreNamed(text: String, message: String) throws {
    do {
      _ = try load(text + "\n")
      Issue.record("accepted: \(text)")
    } catch let error as TraceError {
      let description =
        "\(URL(fileURLWithPath: error.file).lastPathComponent)"
        + (error.line.map { ":\($0)" } ?? "") + ": \(error.message)"
      #expect(description.hasPrefix(message), "\(description)")
    }
  }

  /// Through the binary: exit 65 naming the file and line, and no results folder.
  @Test func aBadLineIsADataErrorAndNothingIsWritten() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("bad.jsonl").path
    try
      (#"{"layer": 1, "batch_id": 0, "topk_experts": [[0, 1]]}"# + "\n"
      + #"{"layer": 2, "batch_id": 0, "topk_experts": [[99, 1]]}"#).write(
        toFile: trace, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("r")
    let replay = try cli.moesim(
      ["run", "--quiet", "--out", out.path] + small
        + [
          "--set", "workload.kind=trace", "--set", "workload.trace=\(trace)", "--set",
          "workload.tokens_per_step=1", "--set", "workload.steps=1",
        ])
    #expect(replay.status == 65)
    #expect(replay.standardError.hasPrefix("error: \(trace):2: topk_experts[0][0] = 99.0"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }
}
