import Foundation
import Testing

@testable import MoESim

/// The kept flag and final gate `RoutingTraceExport.write` gives every assignment: checked
/// against the run's own drop counts and against what each drop policy must keep, and read back
/// by the trace replay.
@Suite struct RoutingTraceExportTests {
  static let base = [
    "workload.tokens_per_step=300", "workload.steps=2", "workload.sequence_length=100",
    "workload.vocab_size=2048", "model.layers=3", "router.warmup_steps=0",
  ]

  struct Row {
    var step, layer, token, expert: Int
    var gate: Double
    var kept: Bool
    var finalGate: Double
  }

  /// Exports `scenario` and returns the rows and the run's per-layer-step metrics.
  func export(_ scenario: Scenario) throws -> (rows: [Row], metrics: [LayerStepMetrics]) {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("trace.csv")
    try RoutingTraceExport.write(scenario, to: url.path, threads: 2)
    let table = try TestSupport.readCSV(url)
    #expect(table.first == RoutingTraceExport.columns)
    let rows = table.dropFirst().map { fields in
      Row(
        step: Int(fields[0])!, layer: Int(fields[1])!, token: Int(fields[2])!,
        expert: Int(fields[3])!, gate: Double(fields[4])!, kept: fields[5] == "1",
        finalGate: Double(fields[6])!)
    }
    var metrics: [LayerStepMetrics] = []
    _ = try Simulation(scenario: scenario).run(threads: 1) { metrics += $1 }
    return (rows, metrics)
  }

  @Test(arguments: [
    ["router.capacity_factor=0.8"],
    ["router.capacity_factor=0.8", "router.drop_policy=position"],
    ["router.capacity_factor=0.8", "router.capacity_scope=sequence"],
    ["router.capacity_factor=null"],
    ["router.kind=expert_choice"],
  ])
  func keptFlagsAgreeWithTheRunsDrops(overrides: [String]) throws {
    let scenario = try TestSupport.quickstart(Self.base + overrides)
    let (rows, metrics) = try export(scenario)
    #expect(metrics.count == 2 * 2)
    for m in metrics {
      let here = rows.filter { $0.step == m.step && $0.layer == m.layer }
      #expect(here.filter(\.kept).count == m.assignmentsKept)
      #expect(here.filter { !$0.kept }.count == m.assignmentsDropped)
      // The dropped share of gate mass, summed from the rows as the run sums it.
      let total = here.reduce(0) { $0 + $1.gate }
      let dropped = here.filter { !$0.kept }.reduce(0) { $0 + $1.gate }
      #expect(abs(dropped / total - m.droppedGateFraction) < 1e-9)
    }
    for row in rows { #expect(row.finalGate == (row.kept ? row.gate : 0)) }
    // The configurations with capacity 0.8 drop something: the check above is not vacuous.
    if overrides.contains("router.capacity_factor=0.8") {
      #expect(metrics.contains { $0.assignmentsDropped > 0 })
    }
  }

  /// Per batch, an over-full expert keeps its highest gates (`probs`) or its earliest tokens
  /// (`position`), and never more than its capacity.
  @Test(arguments: [DropPolicy.probs, .position])
  func keptAssignmentsAreTheOnesThePolicyKeeps(policy: DropPolicy) throws {
    let scenario = try TestSupport.quickstart(
      Self.base + ["router.capacity_factor=0.8", "router.drop_policy=\(policy.rawValue)"])
    let (rows, metrics) = try export(scenario)
    for m in metrics {
      let capacity = try #require(m.capacity)
      for expert in 0..<16 {
        let mine = rows.filter { $0.step == m.step && $0.layer == m.layer && $0.expert == expert }
        let kept = mine.filter(\.kept)
        let dropped = mine.filter { !$0.kept }
        #expect(kept.count == min(mine.count, capacity))
        guard let lastKept = kept.map(\.token).max(), !dropped.isEmpty else { continue }
        if policy == .probs {
          #expect(kept.map(\.gate).min()! >= dropped.map(\.gate).max()!)
        } else {
          #expect(lastKept < dropped.map(\.token).min()!)
        }
      }
    }
  }

  /// The seven-column export replays to the same drops, and the replay checks the extra
  /// columns' form.
  @Test func theReplayReadsTheAuditColumns() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("trace.csv").path
    let overrides = Self.base + ["router.capacity_factor=0.8"]
    let synthetic = try TestSupport.quickstart(overrides)
    try RoutingTraceExport.write(synthetic, to: path, threads: 2)
    let replay = try TestSupport.quickstart(
      overrides + ["workload.kind=trace", "workload.trace=\(path)"])
    var original: [Int] = []
    _ = try Simulation(scenario: synthetic).run(threads: 2) {
      original += $1.map(\.assignmentsDropped)
    }
    var replayed: [Int] = []
    _ = try Simulation(scenario: replay).run(threads: 1) {
      replayed += $1.map(\.assignmentsDropped)
    }
    #expect(replayed == original && original.contains { $0 > 0 })
  }

  func loadError(_ text: String) throws -> String {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("t.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let error = try #require(throws: TraceError.self) {
      try RoutingTrace.load(path: path, steps: 1, moeLayers: [1], tokens: 2, experts: 4, topK: 1)
    }
    return error.description.replacingOccurrences(of: path, with: "t.csv")
  }

  @Test func auditColumnsInAnyOrderAreReadAndChecked() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("t.csv").path
    try "step,layer,token,expert,kept,final_gate,gate\n0,1,0,2,0,0,0.7\n0,1,1,3,1,0.4,0.4\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let trace = try RoutingTrace.load(
      path: path, steps: 1, moeLayers: [1], tokens: 2, experts: 4, topK: 1)
    #expect(trace.selected == [2, 3] && trace.gates == [0.7, 0.4])
    #expect(
      try loadError("step,layer,token,expert,gate,kept\n0,1,0,2,0.5,2\n")
        == "t.csv:2: kept = 2 is out of range; allowed 0...1")
    #expect(
      try loadError("step,layer,token,expert,final_gate\n0,1,0,2,-1\n")
        == "t.csv:2: final_gate = -1 is out of range; allowed ≥ 0")
    #expect(
      try loadError("step,layer,token,expert,gate,gate\n").hasPrefix(
        "t.csv:1: header 'step,layer,token,expert,gate,gate' is neither"))
    #expect(
      try loadError("step,layer,token,expert,weight\n").hasPrefix(
        "t.csv:1: header 'step,layer,token,expert,weight' is neither"))
  }
}
