import Foundation
import MoESim

extension Report {
  /// The terminal table of `moesim bench`: one line per engine and thread count, then the
  /// speed-up of N threads over 1 and the ratio to the peer, both from this one invocation,
  /// then the logits GEMM against the machine's multiply-add peak.
  static func benchmark(
    scenario: Scenario, label: String, runs: [BenchmarkMeasurement], repeats: Int,
    peer: PeerBenchmark.Outcome?, peerNotes: [String], roofline: RooflineMeasurement? = nil
  ) -> String {
    let workload = scenario.workload
    let experts = scenario.model.moe.map { "\($0.experts) experts, top-\($0.topK)" } ?? "dense"
    var lines = [
      "\(label): \(experts), \(scenario.model.moeLayerIndices.count) MoE layers, "
        + "\(workload.tokensPerStep) tokens × \(workload.steps) steps, router dim "
        + "\(workload.routerDim)",
      "  \(runs.first.map { $0.decisions } ?? 0) routing decisions (token × MoE layer) per run; "
        + "kernels \(runs.first?.kernels ?? "?"); "
        + (repeats > 1 ? "median of \(repeats) interleaved rounds" : "one run each"),
      "",
      benchmarkRow(["engine", "threads", "seconds", "decisions/s", "ns/decision", "peak RSS"]),
    ]
    for run in runs {
      lines.append(
        benchmarkRow([
          "moesim", "\(run.threads)", String(format: "%.3f", run.seconds),
          rate(run.decisionsPerSecond), String(format: "%.1f", run.nanosecondsPerDecision),
          mebibytes(run.peakResidentMiB),
        ]))
    }
    if let peer {
      lines.append(
        benchmarkRow([
          peer.engine, "-", String(format: "%.3f", peer.seconds), rate(peer.decisionsPerSecond),
          String(format: "%.1f", peer.seconds * 1e9 / Double(peer.decisions)),
          mebibytes(peer.peakResidentMiB),
        ]))
    }
    lines.append("")
    if let single = runs.first, let parallel = runs.last, runs.count > 1 {
      lines.append(
        String(
          format: "  %d threads vs 1: %.2f× the throughput", parallel.threads,
          parallel.decisionsPerSecond / single.decisionsPerSecond))
    }
    if let peer, let fastest = runs.max(by: { $0.decisionsPerSecond < $1.decisionsPerSecond }) {
      lines.append(
        String(
          format: "  moesim (%d threads) vs %@: %.2f× the throughput", fastest.threads,
          peer.engine, fastest.decisionsPerSecond / peer.decisionsPerSecond))
      if !peerNotes.isEmpty {
        lines.append(
          "  note: the peer has no knob for " + peerNotes.joined(separator: ", ")
            + "; it ran its own fixed choice there")
      }
    }
    if let roofline {
      lines += rooflineLines(roofline, singleThread: runs.first)
    }
    return lines.joined(separator: "\n")
  }

  /// The GEMM's distance from the FMA peak, and its share of a one-thread decision.
  static func rooflineLines(
    _ roofline: RooflineMeasurement, singleThread: BenchmarkMeasurement?
  ) -> [String] {
    var lines = [
      "",
      String(
        format: "  FMA peak (1 thread, kernels %@): %.2f G 16-lane fused multiply-adds/s",
        roofline.kernels, roofline.fmasPerSecond / 1e9),
      String(
        format:
          "  logits GEMM alone (%@): %.1f ns/decision (%d FMAs: %.1f ns at the peak, %.0f%% of it)",
        roofline.layout.rawValue, roofline.gemmNanosecondsPerDecision, roofline.fmasPerDecision,
        roofline.peakNanosecondsPerDecision, roofline.fractionOfPeak * 100),
    ]
    if let single = singleThread {
      let share = roofline.gemmNanosecondsPerDecision / single.nanosecondsPerDecision
      lines.append(
        String(
          format: "  1-thread run: %.1f ns/decision, about %.0f%% of it the GEMM; the rest is "
            + "top-k, softmax, capacity and token generation",
          single.nanosecondsPerDecision, min(share, 1) * 100))
    }
    return lines
  }

  /// `3.05 M`, `812.4 K`.
  private static func rate(_ perSecond: Double) -> String {
    perSecond >= 1e6
      ? String(format: "%.2f M", perSecond / 1e6) : String(format: "%.1f K", perSecond / 1e3)
  }

  private static func mebibytes(_ value: Double?) -> String {
    value.map { String(format: "%.1f MiB", $0) } ?? "-"
  }

  private static func benchmarkRow(_ cells: [String]) -> String {
    let widths = [12, 8, 10, 13, 13, 12]
    return zip(cells, widths).enumerated().map { index, pair in
      let (cell, width) = pair
      let padding = String(repeating: " ", count: max(0, width - cell.count))
      return index == 0 ? "  " + cell + padding : padding + cell
    }.joined(separator: " ")
  }
}
