import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct DeterminismTests {
  func files(of scenario: Scenario, threads: Int) throws -> [String: Data] {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try RunWriter.run(scenario, folder: folder.path, threads: threads)
    var contents: [String: Data] = [:]
    for name in RunWriter.files {
      contents[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    // Nothing but the result files: no temporary file left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == RunWriter.files.sorted())
    return contents
  }

  let scenario = { try TestSupport.quickstart(SimulationTests.small) }

  @Test func identicalForAnyThreadCount() throws {
    let one = try files(of: try scenario(), threads: 1)
    for threads in [2, 3, 8] {
      #expect(try files(of: try scenario(), threads: threads) == one, "threads \(threads)")
    }
  }

  @Test func identicalForEveryKernelVariant() throws {
    let scenario = try TestSupport.quickstart(SimulationTests.small + ["model.moe.experts=40"])
    var traces: [[LayerStepMetrics]] = []
    for kernels in KernelSet.available {
      var rows: [LayerStepMetrics] = []
      _ = try Simulation(scenario: scenario).run(threads: 2, kernels: kernels) { rows += $1 }
      traces.append(rows)
    }
    for trace in traces.dropFirst() { #expect(trace == traces[0]) }
  }

  /// `devices.csv` and `summary.csv` of the time model, in every mode, for 1 and 3 threads.
  @Test(arguments: ["training", "prefill", "decode"])
  func clusterFilesIdenticalForAnyThreadCount(mode: String) throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + [
        "cluster.layout={tp: 16, ep: 8}", "cluster.device=h100-sxm", "cluster.cost.mode=\(mode)",
        "cluster.placement={strategy: \"replicated\", redundant_slots: 8, replan_every: 2}",
      ])
    var outputs: [[Data]] = []
    for threads in [1, 3] {
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      try RunWriter.run(scenario, folder: folder.path, threads: threads)
      outputs.append(
        try ["devices.csv", "summary.csv"].map {
          try Data(contentsOf: folder.appendingPathComponent($0))
        })
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func identicalAcrossRuns() throws {
    #expect(try files(of: try scenario(), threads: 2) == files(of: try scenario(), threads: 2))
  }

  @Test func differentSeedGivesDifferentTraces() throws {
    let base = try files(of: try scenario(), threads: 2)
    var reseeded = try scenario()
    reseeded.seed += 1
    let other = try files(of: reseeded, threads: 2)
    #expect(other["steps.csv"] != base["steps.csv"])
    #expect(other["params.csv"] == base["params.csv"])
  }
}
