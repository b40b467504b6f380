import Foundation
import Testing

@testable import MoESim

@Suite struct RoutingTraceTests {
  static let base = [
    "workload.tokens_per_step=300", "workload.steps=2", "workload.sequence_length=100",
    "workload.vocab_size=2048", "model.layers=3",
  ]

  func trace(_ scenario: Scenario, threads: Int = 2) throws -> [LayerStepMetrics] {
    var rows: [LayerStepMetrics] = []
    _ = try Simulation(scenario: scenario).run(threads: threads) { rows += $1 }
    return rows
  }

  /// The figures a decisions trace determines (it carries no router probabilities).
  struct LoadFigures: Equatable {
    var step, layer, tokens: Int
    var capacity: Int?
    var kept, dropped: Int
    var load: LoadStatistics
    var droppedGateFraction: Double
    var tokensWithoutExpert: Int

    init(_ m: LayerStepMetrics) {
      (step, layer, tokens, capacity) = (m.step, m.layer, m.tokens, m.capacity)
      (kept, dropped, load) = (m.assignmentsKept, m.assignmentsDropped, m.load)
      droppedGateFraction = m.droppedGateFraction
      tokensWithoutExpert = m.tokensWithoutExpert
    }
  }

  @Test(arguments: [
    ["router.kind=softmax_topk"],
    ["router.kind=softmax_topk", "router.drop_policy=position", "router.capacity_factor=0.8"],
    ["router.kind=gshard_top2"],
    ["router.kind=expert_choice"],
    ["router.kind=sigmoid_topk", "router.capacity_scope=sequence"],
  ])
  func exportThenReplayGivesIdenticalLoadsAndDrops(overrides: [String]) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("trace.csv").path
    let synthetic = try TestSupport.quickstart(Self.base + overrides)
    try RoutingTraceExport.write(synthetic, to: path, threads: 2)
    let replay = try TestSupport.quickstart(
      Self.base + overrides + ["workload.kind=trace", "workload.trace=\(path)"])
    let original = try trace(synthetic).map(LoadFigures.init)
    let replayed = try trace(replay).map(LoadFigures.init)
    #expect(replayed == original)
    #expect(original.count == 2 * 2)
  }

  @Test(arguments: [
    ["router.kind=softmax_topk", "router.aux_bias_coeff=1", "router.sequence_aux_loss=true"],
    [
      "router.kind=sigmoid_topk", "router.n_group=4", "router.topk_group=2",
      "router.bias_update_rate=0.01",
    ],
    ["router.kind=noisy_topk"],
    ["router.kind=gshard_top2"],
    ["router.kind=expert_choice"],
  ])
  func exportedLogitsReplayToIdenticalFigures(overrides: [String]) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("logits.csv").path
    let synthetic = try TestSupport.quickstart(Self.base + overrides)
    try RoutingTraceExport.writeLogits(synthetic, to: path, threads: 2)
    let replay = try TestSupport.quickstart(
      Self.base + overrides + ["workload.kind=trace", "workload.trace=\(path)"])
    let original = try trace(synthetic)
    #expect(try trace(replay, threads: 3) == original)
    #expect(original.count == 2 * 2)
  }

  func write(_ text: String) throws -> (path: String, cleanup: () -> Void) {
    let folder = try TestSupport.temporaryFolder()
    let path = folder.appendingPathComponent("t.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return (path, { try? FileManager.default.removeItem(at: folder) })
  }

  func load(_ text: String) throws -> RoutingTrace {
    let (path, cleanup) = try write(text)
    defer { cleanup() }
    return try RoutingTrace.load(
      path: path, steps: 1, moeLayers: [1, 3], tokens: 3, experts: 4, topK: 2)
  }

  func failure(_ text: String) throws -> String {
    let (path, cleanup) = try write(text)
    defer { cleanup() }
    let error = try #require(throws: TraceError.self) {
      try RoutingTrace.load(
        path: path, steps: 1, moeLayers: [1, 3], tokens: 3, experts: 4, topK: 2)
    }
    return error.description.replacingOccurrences(of: path, with: "t.csv")
  }

  @Test func decisionsAreLaidOutBySlot() throws {
    let trace = try load("step,layer,token,expert,gate\n0,1,0,2,0.7\n0,1,0,1,0.3\n0,3,2,0,1\n")
    #expect(trace.content == .decisions && trace.slots == 2)
    // Layer ordinal 0 (block 1), token 0: experts 2, 1; token 1 empty; layer ordinal 1 token 2.
    #expect(Array(trace.selected[0..<6]) == [2, 1, -1, -1, -1, -1])
    #expect(Array(trace.gates[0..<2]) == [0.7, 0.3])
    #expect(Array(trace.selected[10..<12]) == [0, -1])
    // Without a gate column each assignment weighs 1/k; one expert per token → one slot.
    let plain = try load("step,layer,token,expert\n0,1,1,3\n0,3,0,0\n")
    #expect(plain.slots == 1 && plain.selected[1] == 3 && plain.gates[1] == 0.5)
  }

  /// A token with more rows than top k widens the table as it is read: every token gets the
  /// fullest token's slots, each its experts in file order.
  @Test func tokensWithMoreRowsThanTopKWidenTheTable() throws {
    let trace = try load(
      "step,layer,token,expert\n0,1,0,3\n0,1,0,2\n0,3,2,1\n0,1,0,1\n0,1,0,0\n0,1,1,2\n")
    #expect(trace.slots == 4)
    #expect(Array(trace.selected[0..<4]) == [3, 2, 1, 0])
    #expect(Array(trace.selected[4..<12]) == [2, -1, -1, -1, -1, -1, -1, -1])
    #expect(Array(trace.selected[20..<24]) == [1, -1, -1, -1])
    #expect(Array(trace.gates[0..<5]) == [0.5, 0.5, 0.5, 0.5, 0.5])
    #expect(trace.gates[5] == 0)
  }

  /// A line longer than any row (here a 17 MiB header without a line end) is refused once the
  /// reader has passed the limit, not after reading the whole file.
  @Test func anOverlongLineIsRefused() throws {
    let line = String(repeating: "s", count: InputText.maximumLineBytes + (1 << 20))
    #expect(
      try failure(line) == "t.csv: trace has a line 1 longer than 16 MiB (no row of a table is that long)")
  }

  /// A trace saved with CRLF line ends (Windows, spreadsheets) reads exactly as with LF: Swift
  /// sees `"\r\n"` as one Character, which splitting on `"\n"` alone never matches.
  @Test func crlfLineEndsReadLikeLF() throws {
    let lf = "step,layer,token,expert,gate\n0,1,0,2,0.7\n0,1,0,1,0.3\n0,3,2,0,1\n"
    let crlf = try load(lf.replacingOccurrences(of: "\n", with: "\r\n"))
    let plain = try load(lf)
    #expect(crlf.selected == plain.selected && crlf.gates == plain.gates)
    #expect(crlf.slots == 2)
  }

  @Test func badRowsNameTheFileAndLine() throws {
    #expect(
      try failure("step,layer,token,expert\n0,1,0,2\n0,2,0,1\n")
        == "t.csv:3: layer = 2 is not an MoE layer of the model; allowed 1, 3")
    #expect(
      try failure("step,layer,token,expert\n0,1,0,4\n")
        == "t.csv:2: expert = 4 is out of range; allowed 0...3")
    #expect(
      try failure("step,layer,token,expert\n1,1,0,0\n")
        == "t.csv:2: step = 1 is out of range; allowed 0...0")
    #expect(
      try failure("step,layer,token,expert\n0,1,x,0\n") == "t.csv:2: token = 'x' is not an integer")
    #expect(
      try failure("step,layer,token,expert\n0,1,0\n") == "t.csv:2: 3 fields; the header has 4")
    #expect(
      try failure("step,layer,token,expert\n0,1,0,1\n0,1,0,1\n")
        == "t.csv:3: expert 1 is recorded twice for this step, layer and token")
    #expect(try failure("step,layer,token,expert,gate\n0,1,0,1,-2\n").contains("t.csv:2: gate"))
    #expect(try failure("token,expert\n").hasPrefix("t.csv:1: header 'token,expert' is neither"))
    #expect(
      try failure("step,layer,token,expert\n0,1,0,1\n")
        == "t.csv: no decisions for step 0, layer 3 (workload.steps = 1; a decisions trace has "
        + "rows for every step and MoE layer)")
  }

  @Test func logitsTracesCoverEveryToken() throws {
    let header = "step,layer,token,logit_0,logit_1,logit_2,logit_3\n"
    var rows = ""
    for layer in [1, 3] { for token in 0..<3 { rows += "0,\(layer),\(token),0,1,2,3\n" } }
    let trace = try load(header + rows)
    #expect(trace.content == .logits && trace.logits.count == 2 * 3 * 4)
    #expect(Array(trace.logits[4..<8]) == [0, 1, 2, 3])
    #expect(
      try failure(header + rows.split(separator: "\n").dropLast().joined(separator: "\n"))
        == "t.csv: no logits row for step 0, layer 3, token 2 (a logits trace covers every "
        + "token of every step and MoE layer)")
    #expect(
      try failure(header + rows + "0,1,0,0,1,2,3\n").hasPrefix(
        "t.csv:8: step 0, layer 1, token 0 appears twice"))
  }

  @Test func aLogitsTraceIsRoutedByTheScenariosRouter() throws {
    // Every token of both MoE layers has logits ln(1..4) over experts 0…3 and −∞-like
    // elsewhere: softmax top-2 always picks experts 3 and 2.
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("logits.csv").path
    var text = "step,layer,token," + (0..<16).map { "logit_\($0)" }.joined(separator: ",") + "\n"
    let logits =
      [log(1.0), log(2.0), log(3.0), log(4.0)].map { String($0) }
      + Array(repeating: "-50", count: 12)
    for layer in [1, 2] {
      for token in 0..<10 { text += "0,\(layer),\(token)," + logits.joined(separator: ",") + "\n" }
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let scenario = try TestSupport.quickstart([
      "workload.tokens_per_step=10", "workload.steps=1", "model.layers=3",
      "router.capacity_factor=null", "workload.kind=trace", "workload.trace=\(path)",
    ])
    let rows = try trace(scenario)
    for row in rows {
      // 10 tokens × 2 assignments on experts 3 and 2: loads 10, 10, and 0 elsewhere.
      #expect(row.load.maximum == 10 && row.load.minimum == 0)
      // Full softmax P = (0.1, 0.2, 0.3, 0.4, ~0…), f = 0.5 at experts 2 and 3:
      // aux = 16 · (0.5 · 0.3 + 0.5 · 0.4) = 5.6.
      #expect(abs(row.auxLoss - 5.6) < 1e-5)
    }
  }

  @Test func theShippedExampleTraceReplays() throws {
    let scenario = try TestSupport.scenario("trace-replay.json5")
    let rows = try trace(scenario)
    #expect(rows.count == scenario.workload.steps * scenario.model.moeLayerIndices.count)
    // Decisions carry no logits to export.
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("l.csv").path
    let error = try #require(throws: TraceError.self) {
      try RoutingTraceExport.writeLogits(scenario, to: output, threads: 1)
    }
    #expect(error.message.contains("no router logits"))
    #expect(!FileManager.default.fileExists(atPath: output))
  }
}
