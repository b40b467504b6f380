import Foundation

/// Writes a run's routing decisions as a trace that `workload.kind = "trace"` replays:
/// `step,layer,token,expert,gate,kept,final_gate`, one row per assignment before capacity, gates
/// in their shortest exact form so a replay sees the same bits. `kept` (1 or 0) and `final_gate`
/// (the gate if kept, 0 if dropped) say what the run's capacity made of each assignment, so that
/// drops can be audited token by token; a replay recomputes them from its own capacity.
public enum RoutingTraceExport {
  public static let columns = ["step", "layer", "token", "expert", "gate", "kept", "final_gate"]

  /// Runs `scenario` and writes the router logits every MoE layer saw, before routing:
  /// `step,layer,token,logit_0..logit_{E−1}`. Replayed with the same router settings, they give
  /// identical figures, losses included. A `trace` workload of decisions has no logits: refused.
  /// - Parameter shouldStop: polled after every step; when it returns true the partial file is
  ///   removed and `RunInterrupted` is thrown.
  @discardableResult
  public static func writeLogits(
    _ scenario: Scenario, to path: String, threads: Int, shouldStop: () -> Bool = { false }
  ) throws -> RunTotals {
    let layers = scenario.model.moeLayerIndices
    guard let moe = scenario.model.moe, !layers.isEmpty else {
      return try write(scenario, to: path, threads: threads, shouldStop: shouldStop)
    }
    if let trace = try Simulation(scenario: scenario).loadTrace(moe: moe),
      trace.content == .decisions
    {
      throw TraceError(
        file: scenario.workload.trace ?? "", line: nil,
        message: "a trace of decisions has no router logits to export; export its decisions")
    }
    let experts = moe.experts
    let tokens = scenario.workload.tokensPerStep
    let file = try CSVWriter(
      path: path, columns: ["step", "layer", "token"] + (0..<experts).map { "logit_\($0)" })
    let buffer = SharedPointer<Float>.allocate(layers.count * tokens * experts, 0)
    defer { buffer.deallocate() }
    do {
      var totals = RunTotals(layers: layers, experts: experts)
      try Simulation(scenario: scenario).runDispatchingRouter(
        moe: moe, threads: threads, kernels: .selected, totals: &totals,
        onRouting: { routed in
          guard let ordinal = layers.firstIndex(of: routed.layer) else { return }
          for token in 0..<tokens {
            let row = buffer + (ordinal * tokens + token) * experts
            var fields: [CSVField] = [
              .integer(routed.step), .integer(routed.layer), .integer(token),
            ]
            for expert in 0..<experts { fields.append(.real(Double(row[expert]))) }
            try file.write(fields)
          }
        },
        recordLogits: buffer,
        onStep: { step, _ in try stopIfRequested(shouldStop, after: step, of: scenario, path) })
      try file.commit()
      return totals
    } catch {
      file.discard()
      throw error
    }
  }

  /// Runs `scenario` and writes its decisions to `path` (atomically); returns the run's totals.
  /// - Parameter shouldStop: as for `writeLogits`.
  @discardableResult
  public static func write(
    _ scenario: Scenario, to path: String, threads: Int, shouldStop: () -> Bool = { false }
  ) throws -> RunTotals {
    let file = try CSVWriter(path: path, columns: columns)
    return try export(
      scenario, to: path, threads: threads, shouldStop: shouldStop, commit: file.commit,
      discard: file.discard
    ) { routed in
      for assignment in routed.assignments() {
        try file.write([
          .integer(routed.step), .integer(routed.layer), .integer(assignment.token),
          .integer(assignment.expert), .real(Double(assignment.gate)),
          .integer(assignment.kept ? 1 : 0), .real(Double(assignment.finalGate)),
        ])
      }
    }
  }

  /// Runs `scenario`, handing every layer step's routing to `write`, then `commit`s the file;
  /// on any error or interruption (`shouldStop`) the file is `discard`ed instead.
  static func export(
    _ scenario: Scenario, to path: String, threads: Int, shouldStop: () -> Bool,
    commit: () throws -> Void, discard: () -> Void,
    write: @escaping (RoutedLayerStep) throws -> Void
  ) throws -> RunTotals {
    do {
      let totals = try Simulation(scenario: scenario).run(
        threads: threads, onRouting: write,
        onStep: { step, _ in try stopIfRequested(shouldStop, after: step, of: scenario, path) })
      try commit()
      return totals
    } catch {
      discard()
      throw error
    }
  }

  /// Throws `RunInterrupted` for the trace at `path` when `shouldStop` says so.
  static func stopIfRequested(
    _ shouldStop: () -> Bool, after step: Int, of scenario: Scenario, _ path: String
  ) throws {
    guard shouldStop() else { return }
    throw RunInterrupted(
      stepsDone: step + 1, steps: scenario.workload.steps, folder: path,
      keptPrevious: FileManager.default.fileExists(atPath: path), destinationKind: "trace")
  }
}
