import Foundation
import MoESimKernels

/// One timed simulation of a benchmark workload.
public struct BenchmarkMeasurement: Sendable, Equatable {
  /// The workload's name (`R-fine`, `R-coarse`, or a scenario's name).
  public var workload: String
  public var threads: Int
  /// Token-layer routings simulated: tokens per step × steps × MoE layers.
  public var decisions: Int
  /// Wall-clock seconds of the simulation (set-up of tables and router weights included, no
  /// file output).
  public var seconds: Double
  /// Peak resident memory during the run, MiB; nil where the platform does not tell.
  public var peakResidentMiB: Double?
  /// The kernel variant that ran (`avx512`, `baseline`).
  public var kernels: String
  /// How the run laid out its router logits.
  public var logitsLayout = TokenTiles.Layout.rows

  public var decisionsPerSecond: Double { Double(decisions) / seconds }
  public var nanosecondsPerDecision: Double { seconds * 1e9 / Double(decisions) }
}

/// `moesim bench`: times whole simulations of a workload, without writing results.
public enum Benchmark {
  /// Routing decisions of one run of `scenario`: every token of every step at every MoE layer.
  public static func decisions(of scenario: Scenario) -> Int {
    scenario.workload.tokensPerStep * scenario.workload.steps
      * scenario.model.moeLayerIndices.count
  }

  /// Runs `scenario` `repeats` times on `threads` threads and returns the run of median time
  /// (repeats > 1 tame a noisy machine); each run's peak memory is measured on its own.
  public static func measure(
    _ scenario: Scenario, workload: String, threads: Int, repeats: Int = 1,
    kernels: KernelSet = .selected
  ) throws -> BenchmarkMeasurement {
    var runs: [BenchmarkMeasurement] = []
    for _ in 0..<max(1, repeats) {
      PeakMemory.reset()
      let clock = ContinuousClock()
      let start = clock.now
      let totals = try Simulation(scenario: scenario).run(threads: threads, kernels: kernels) {
        _, _ in
      }
      let seconds = (clock.now - start).inSeconds
      runs.append(
        BenchmarkMeasurement(
          workload: workload, threads: threads, decisions: decisions(of: scenario),
          seconds: max(seconds, 1e-9), peakResidentMiB: PeakMemory.peakMiB(),
          kernels: kernels.name, logitsLayout: totals.logitsLayout))
    }
    return median(runs, by: \.seconds)
  }
}

extension Benchmark {
  /// Measures each thread count and the peer `repeats` times, interleaved round by round, and
  /// returns the median run of each. Rounds alternate their order (peer, then each thread count;
  /// then the reverse), so that a machine whose speed drifts — over minutes, or within a round
  /// as its load goes on — slows every configuration alike instead of whichever runs last.
  public static func measureRounds(
    _ scenario: Scenario, workload: String, threadCounts: [Int], repeats: Int,
    kernels: KernelSet = .selected, peer: (() throws -> PeerBenchmark.Outcome)? = nil
  ) throws -> (runs: [BenchmarkMeasurement], peer: PeerBenchmark.Outcome?) {
    try measureRounds(threadCounts: threadCounts, repeats: repeats, peer: peer) { threads in
      try measure(scenario, workload: workload, threads: threads, kernels: kernels)
    }
  }

  /// `measureRounds` with the run of one thread count given (a seam for tests).
  static func measureRounds(
    threadCounts: [Int], repeats: Int, peer: (() throws -> PeerBenchmark.Outcome)?,
    run: (_ threads: Int) throws -> BenchmarkMeasurement
  ) throws -> (runs: [BenchmarkMeasurement], peer: PeerBenchmark.Outcome?) {
    var runs = [[BenchmarkMeasurement]](repeating: [], count: threadCounts.count)
    var peerRuns: [PeerBenchmark.Outcome] = []
    // nil is the peer's turn.
    let forward: [Int?] = [nil] + threadCounts.indices.map { $0 }
    for round in 0..<max(1, repeats) {
      for turn in round.isMultiple(of: 2) ? forward : forward.reversed() {
        if let slot = turn {
          runs[slot].append(try run(threadCounts[slot]))
        } else if let peer {
          peerRuns.append(try peer())
        }
      }
    }
    let medianPeer = peerRuns.isEmpty ? nil : median(peerRuns, by: \.seconds)
    return (runs.map { median($0, by: \.seconds) }, medianPeer)
  }

  /// The middle element by `key` (the upper middle for an even count).
  static func median<Element>(_ elements: [Element], by key: (Element) -> Double) -> Element {
    elements.sorted { key($0) < key($1) }[elements.count / 2]
  }
}

extension Benchmark {
  /// The columns of `moesim bench --csv`: one row per engine and thread count.
  public static let csvColumns = [
    "workload", "threads", "decisions", "seconds", "decisions_per_s", "ns_per_decision",
    "peak_rss_mib", "engine", "kernels",
  ]

  /// The CSV row of one MoESim measurement.
  public static func csvRow(_ run: BenchmarkMeasurement) -> [CSVField] {
    [
      .text(run.workload), .integer(run.threads), .integer(run.decisions), .real(run.seconds),
      .real(run.decisionsPerSecond.rounded()), .real(run.nanosecondsPerDecision),
      run.peakResidentMiB.map(CSVField.real) ?? .empty, "moesim", .text(run.kernels),
    ]
  }

  /// The CSV row of the peer's run, its engine the script's name (`threads` and `kernels` empty:
  /// the peer's library and its BLAS choose).
  public static func csvRow(peer: PeerBenchmark.Outcome, workload: String) -> [CSVField] {
    [
      .text(workload), .empty, .integer(peer.decisions), .real(peer.seconds),
      .real(peer.decisionsPerSecond.rounded()), .real(peer.seconds * 1e9 / Double(peer.decisions)),
      peer.peakResidentMiB.map(CSVField.real) ?? .empty, .text(peer.engine), .empty,
    ]
  }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
