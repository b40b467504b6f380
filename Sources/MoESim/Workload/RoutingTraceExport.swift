import Foundation

/// Writes a run's routing decisions as a trace that `workload.kind = "trace"` replays:
/// `step,layer,token,expert,gate`, one row per assignment before capacity, gates in their
/// shortest exact form so a replay sees the same bits.
public enum RoutingTraceExport {
  public static let columns = ["step", "layer", "token", "expert", "gate"]

  /// Runs `scenario` and writes its decisions to `path` (atomically); returns the run's totals.
  @discardableResult
  public static func write(_ scenario: Scenario, to path: String, threads: Int) throws
    -> RunTotals
  {
    let file = try CSVWriter(path: path, columns: columns)
    do {
      let totals = try Simulation(scenario: scenario).run(
        threads: threads,
        onRouting: { routed in
          for assignment in routed.assignments() {
            try file.write([
              .integer(routed.step), .integer(routed.layer), .integer(assignment.token),
              .integer(assignment.expert), .real(Double(assignment.gate)),
            ])
          }
        },
        onStep: { _, _ in })
      try file.commit()
      return totals
    } catch {
      file.discard()
      throw error
    }
  }
}
