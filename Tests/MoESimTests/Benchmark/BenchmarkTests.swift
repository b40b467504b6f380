import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct BenchmarkTests {
  @Test(arguments: BenchmarkWorkload.allCases)
  func builtInWorkloadsAreTheShippedFiles(workload: BenchmarkWorkload) throws {
    let file = "bench/\(workload.rawValue.lowercased()).json5"
    let shipped = try String(contentsOfFile: TestSupport.scenarioPath(file), encoding: .utf8)
    #expect(workload.text + "\n" == shipped)
    #expect(BenchmarkWorkload(named: workload.rawValue.uppercased()) == workload)
  }

  @Test func decisionsAreTokensTimesStepsTimesMoELayers() throws {
    let fine = try Scenario.parse(
      Data(BenchmarkWorkload.rFine.text.utf8), file: "r-fine", overrides: [])
    // The table: 4096 tokens × 32 steps × 58 MoE layers (61 layers, 3 dense).
    #expect(Benchmark.decisions(of: fine) == 4096 * 32 * 58)
    let coarse = try Scenario.parse(
      Data(BenchmarkWorkload.rCoarse.text.utf8), file: "r-coarse", overrides: [])
    #expect(Benchmark.decisions(of: coarse) == 4096 * 64 * 32)
  }

  @Test func measurementCountsTheRunItTimed() throws {
    let scenario = try TestSupport.quickstart(SimulationTests.small)
    let run = try Benchmark.measure(scenario, workload: "small", threads: 2, repeats: 3)
    #expect(run.decisions == 1000 * 3 * scenario.model.moeLayerIndices.count)
    #expect(run.seconds > 0)
    #expect(
      abs(run.decisionsPerSecond * run.seconds - Double(run.decisions)) < 1e-6
        * Double(run.decisions))
    #expect(run.kernels == KernelSet.selected.name)
    if let peak = run.peakResidentMiB { #expect(peak > 1) }
  }

  /// Rounds interleave the peer and the thread counts, and each reports its median run.
  @Test func roundsTakeTurnsAndReportMedians() throws {
    let scenario = try TestSupport.quickstart(SimulationTests.small)
    final class Calls: @unchecked Sendable { var seconds: [Double] = [5, 1, 3] }
    let calls = Calls()
    let (runs, peer) = try Benchmark.measureRounds(
      scenario, workload: "small", threadCounts: [1, 2], repeats: 3,
      peer: {
        let seconds = calls.seconds.removeFirst()
        return PeerBenchmark.Outcome(
          decisions: 10, seconds: seconds, decisionsPerSecond: 10 / seconds,
          peakResidentMiB: nil)
      })
    #expect(calls.seconds.isEmpty)  // one peer run per round
    #expect(peer?.seconds == 3)  // the median of 5, 1 and 3
    #expect(runs.map(\.threads) == [1, 2])
    #expect(runs.allSatisfy { $0.decisions == 1000 * 3 * scenario.model.moeLayerIndices.count })
  }

  /// Rounds alternate their order (peer, 1, 2; then 2, 1, peer), so that no configuration
  /// always runs after the others' load.
  @Test func roundsAlternateTheirOrder() throws {
    final class Log: @unchecked Sendable { var turns: [String] = [] }
    let log = Log()
    let (runs, _) = try Benchmark.measureRounds(
      threadCounts: [1, 2], repeats: 3,
      peer: {
        log.turns.append("peer")
        return PeerBenchmark.Outcome(
          decisions: 10, seconds: 1, decisionsPerSecond: 10, peakResidentMiB: nil)
      },
      run: { threads in
        log.turns.append("\(threads)")
        return BenchmarkMeasurement(
          workload: "w", threads: threads, decisions: 10, seconds: Double(log.turns.count),
          peakResidentMiB: nil, kernels: "k")
      })
    #expect(log.turns == ["peer", "1", "2", "2", "1", "peer", "peer", "1", "2"])
    // Medians by seconds (here the call's position): 1 thread ran 2nd, 5th and 8th, 2 threads
    // 3rd, 4th and 9th.
    #expect(runs.map(\.seconds) == [5, 4])
  }

  @Test func peerGetsTheReferenceWorkloadsKnobs() throws {
    let fine = try Scenario.parse(
      Data(BenchmarkWorkload.rFine.text.utf8), file: "r-fine", overrides: [])
    let peer = try #require(PeerBenchmark(scenario: fine))
    // The command line in Scenarios/bench/r-fine.json5's header comment.
    #expect(
      peer.arguments == [
        "--experts", "256", "--topk", "8", "--layers", "58", "--dim", "64", "--vocab", "32768",
        "--zipf", "1.1", "--domains", "4", "--batch", "4096", "--steps", "32",
        "--capacity-factor", "1.25", "--noise", "0.5", "--seed", "1",
      ])
    #expect(peer.ignoredSettings.isEmpty)
    let coarse = try Scenario.parse(
      Data(BenchmarkWorkload.rCoarse.text.utf8), file: "r-coarse", overrides: [])
    #expect(PeerBenchmark(scenario: coarse)?.ignoredSettings == [])
    // The quickstart has sequences of 512 tokens and unequal domain weights: the peer cannot.
    let quickstart = try TestSupport.quickstart([])
    let notes = try #require(PeerBenchmark(scenario: quickstart)).ignoredSettings
    #expect(notes.contains("workload.sequence_length = 512"))
    #expect(notes.contains("workload.domains weights"))
  }

  @Test func peerOutputIsParsed() {
    let text =
      "aux_mean=1.2 z_mean=3.4 drop_frac=0.1 max_over_mean=2.0\n"
      + "seconds=2.500 decisions=1000\ndecisions_per_s=400\n"
    #expect(
      PeerBenchmark.parse(text)
        == PeerBenchmark.Outcome(
          decisions: 1000, seconds: 2.5, decisionsPerSecond: 400, peakResidentMiB: nil))
    #expect(PeerBenchmark.parse("decisions_per_s=400\n") == nil)
  }

  /// Reports name the peer by its script, so a ratio says which peer it is against.
  @Test func peerIsNamedByItsScript() {
    #expect(PeerBenchmark.engineName(script: "../shared/bench/peer_torch.py") == "peer_torch")
    #expect(PeerBenchmark.engineName(script: "peer_numpy.py") == "peer_numpy")
    #expect(PeerBenchmark.engineName(script: "/opt/bench/my_peer") == "my_peer")
  }

  @Test func benchCommandPrintsOneCSVRowPerThreadCountAndThePeer() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A stand-in peer that reports fixed figures, to check the wiring (not the peer's speed).
    let script = folder.appendingPathComponent("peer.py")
    try "print('seconds=2.0 decisions=4000')\nprint('decisions_per_s=2000')\n"
      .write(to: script, atomically: true, encoding: .utf8)
    let outcome = try CommandLineTests().moesim(
      [
        "bench", "--workload", TestSupport.scenarioPath("quickstart.json5"), "--threads", "2",
        "--csv", "--peer", script.path,
      ] + (SimulationTests.small + ["router.warmup_steps=0"]).flatMap { ["--set", $0] })
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let rows = outcome.standardOutput.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    try #require(rows.count == 4)
    #expect(rows[0] == Benchmark.csvColumns)
    #expect(rows[1][1] == "1" && rows[2][1] == "2")
    // 1000 tokens × 3 steps × 7 MoE layers of the quickstart.
    #expect(rows[1][2] == "21000" && rows[2][2] == "21000")
    // The peer is named by its script.
    #expect(rows[3][7] == "peer" && rows[3][2] == "4000" && rows[3][4] == "2000")
    let table = try CommandLineTests().moesim(
      [
        "bench", "--workload", TestSupport.scenarioPath("quickstart.json5"), "--threads", "1",
        "--peer", script.path,
      ] + (SimulationTests.small + ["router.warmup_steps=0"]).flatMap { ["--set", $0] })
    #expect(table.status == 0, "\(table.standardError)")
    #expect(table.standardOutput.contains("\n  peer "))
    #expect(table.standardOutput.contains("moesim (1 threads) vs peer: "))
  }

  /// The table names both thread counts and their ratio, then the GEMM against the FMA peak
  /// measured in the same invocation.
  @Test func benchCommandTablePutsTheGEMMBesideTheFMAPeak() throws {
    let outcome = try CommandLineTests().moesim(
      ["bench", "--workload", TestSupport.scenarioPath("quickstart.json5"), "--threads", "2"]
        + (SimulationTests.small + ["router.warmup_steps=0"]).flatMap { ["--set", $0] })
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let text = outcome.standardOutput
    #expect(text.contains("2 threads vs 1: "))
    #expect(text.contains("FMA peak (1 thread, kernels \(KernelSet.selected.name)): "))
    // The quickstart's untrained router (training reads logits as rows, not tiles): d = 64,
    // 16 experts as token tiles of 16 expert vectors: 64
    // 16-lane FMAs per 16 tokens' decisions, 64 per decision.
    #expect(text.contains("logits GEMM alone (token tiles): ") && text.contains("(64 FMAs: "))
    #expect(text.contains("1-thread run: ") && text.contains("of it the GEMM"))
  }

  @Test func benchCommandRejectsAMissingPeerAndADenseModel() throws {
    let missing = try CommandLineTests().moesim([
      "bench", "--workload", TestSupport.scenarioPath("quickstart.json5"), "--peer",
      "/nonexistent/peer.py", "--set", "workload.steps=1",
    ])
    #expect(missing.status == 66)
    #expect(missing.standardError.contains("/nonexistent/peer.py"))
    let dense = try CommandLineTests().moesim([
      "bench", "--workload", TestSupport.scenarioPath("llama3-8b-dense.json5"),
    ])
    #expect(dense.status == 64)
    #expect(dense.standardError.contains("routes nothing"))
  }
}
