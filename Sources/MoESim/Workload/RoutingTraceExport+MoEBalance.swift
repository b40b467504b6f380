import Foundation

extension RoutingTraceExport {
  /// Runs `scenario` and writes its routing decisions, before capacity, as a moe-balance trace
  /// (`MoEBalanceTrace`): one JSON line per step and MoE layer, `batch_id` the step, `layer` the
  /// block index, `topk_experts` and `topk_weights` [tokens][k] in slot order, gates in their
  /// shortest exact form so a replay sees the same bits. A token with fewer experts than the
  /// line's widest (expert choice) is padded with id −1 and weight 0, which a replay reads as
  /// empty slots.
  /// - Parameter shouldStop: as for `writeLogits`.
  @discardableResult
  public static func writeMoEBalance(
    _ scenario: Scenario, to path: String, threads: Int, shouldStop: () -> Bool = { false }
  ) throws -> RunTotals {
    let file = try AtomicFile(path: path)
    return try export(
      scenario, to: path, threads: threads, shouldStop: shouldStop, commit: file.commit,
      discard: file.discard
    ) { routed in try file.write(moeBalanceLine(routed)) }
  }

  /// One step's routing at one layer as a moe-balance line, newline included.
  static func moeBalanceLine(_ routed: RoutedLayerStep) -> String {
    var experts = [[Int]](repeating: [], count: routed.tokens)
    var weights = [[Float]](repeating: [], count: routed.tokens)
    for assignment in routed.assignments() {
      experts[assignment.token].append(assignment.expert)
      weights[assignment.token].append(assignment.gate)
    }
    let width = max(1, experts.map(\.count).max() ?? 1)
    let rows = experts.map { row in
      "["
        + (row + [Int](repeating: -1, count: width - row.count)).map(String.init)
        .joined(separator: ",") + "]"
    }
    let gateRows = weights.map { row in
      "["
        + (row.map { "\(Double($0))" } + [String](repeating: "0", count: width - row.count))
        .joined(separator: ",") + "]"
    }
    return "{\"layer\": \(routed.layer), \"batch_id\": \(routed.step), \"topk_experts\": ["
      + rows.joined(separator: ",") + "], \"topk_weights\": [" + gateRows.joined(separator: ",")
      + "]}\n"
  }
}
