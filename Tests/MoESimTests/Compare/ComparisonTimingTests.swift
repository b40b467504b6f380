import Foundation
import Testing

@testable import MoESim

/// `step_time_s` and `tokens_per_s` of `comparison.csv`: the MoE row's from its own run, the
/// dense rows' from the same time model with no all-to-all.
@Suite struct ComparisonTimingTests {
  /// A small quickstart on four H100s of one node, placement contiguous.
  static let clusterOverrides = [
    "workload.steps=2", "workload.tokens_per_step=64", "model.layers=3",
    "cluster.layout={tp: 4, ep: 4}", "cluster.device=h100-sxm", "cluster.placement={}",
  ]

  /// Runs `variants` into a fresh folder and returns `comparison.csv` and the folder.
  static func compare(_ variants: [Comparison.Variant]) throws -> (table: [[String]], root: URL) {
    let root = try TestSupport.temporaryFolder()
    let totals = try Comparison.run(variants, folder: root.path, threads: 1)
    let path = try Comparison.write(variants, totals: totals, folder: root.path)
    return (try TestSupport.readCSV(URL(fileURLWithPath: path)), root)
  }

  @Test func moeRowCarriesItsOwnSummaryTimes() throws {
    let scenario = try TestSupport.quickstart(Self.clusterOverrides)
    let variants = Comparison.variants(scenario, matches: [.active, .total], multipleOf: 1)
    let (table, root) = try Self.compare(variants)
    defer { try? FileManager.default.removeItem(at: root) }
    let column = { (name: String) in table[0].firstIndex(of: name) ?? -1 }
    let summary = try TestSupport.readCSV(root.appendingPathComponent("moe/summary.csv"))
    let summaryColumn = { (name: String) in summary[0].firstIndex(of: name) ?? -1 }
    for name in ["step_time_s", "tokens_per_s"] {
      #expect(table[1][column(name)] == summary[1][summaryColumn(name)])
      #expect(Double(table[1][column(name)]) ?? 0 > 0)
    }
    // The dense rows: the same time model, computed without a run, and equal to the time the
    // dense variant's own run reports.
    for (row, variant) in zip(table.dropFirst(2), variants.dropFirst()) {
      let dense = try TestSupport.readCSV(
        root.appendingPathComponent("\(variant.name)/summary.csv"))
      #expect(dense[1][summaryColumn("step_time_s")] == row[column("step_time_s")])
      let timing = try #require(DenseStepTime.timing(dense: variant.scenario, moe: scenario))
      #expect(row[column("step_time_s")] == CSVField.real(timing.stepSeconds).text)
      #expect(row[column("tokens_per_s")] == CSVField.real(timing.tokensPerSecond).text)
      // tokens/s is the step's 64 tokens over its time.
      #expect(abs(timing.tokensPerSecond * timing.stepSeconds - 64) < 1e-9)
    }
    // Equal total parameters means a 16 × wider FFN than equal active: more weight bytes and
    // FLOPs on every device, so a longer step.
    #expect(
      Double(table[3][column("step_time_s")]) ?? 0 > Double(table[2][column("step_time_s")]) ?? 0)
  }

  /// Decode of 8 sequences at a 1-token context is memory-bound and almost all weights: the dense
  /// counterpart's step reads the weight bytes `memory.csv` puts on a device (its FFN split over
  /// tp, not held whole), so on tp 8 its step is about 1/8 of tp 1's, as its memory is.
  @Test(arguments: [1, 8])
  func denseDecodeReadsItsMemoryShard(tp: Int) throws {
    let scenario = try TestSupport.quickstart([
      "workload.tokens_per_step=8", "memory.context=1", "cluster.layout={tp: \(tp), ep: \(tp)}",
      "cluster.device=h100-sxm", "cluster.placement={}", "cluster.cost.mode=decode",
    ])
    let dense = DenseCounterpart.derive(from: scenario, match: .active).scenario
    let timing = try #require(DenseStepTime.timing(dense: dense, moe: scenario))
    let memory = DeviceMemory(scenario: dense).worst
    let held = memory.bytes[.weights] ?? 0
    // Read: the held weights less the embedding table (looked up, not read), plus a few
    // activation and cache rows.
    let embedding = 32_000.0 * 1024 * 2 / Double(tp)
    // The step less its tensor-parallel collectives (8 blocks, overlap 0) is the read.
    let model = try #require(CostModel(scenario: dense))
    let collectives = model.tensorParallelCost(tokens: 8, blocks: 8).seconds
    let read = (timing.stepSeconds - collectives) * 3350e9
    #expect(read >= held - embedding)
    #expect(read <= (held - embedding) * 1.01)
  }

  @Test func withoutAClusterTheCellsAreEmpty() throws {
    // A device but no placement: no per-device figures, so no time for any row.
    let scenario = try TestSupport.quickstart([
      "workload.steps=2", "workload.tokens_per_step=64", "model.layers=3",
      "cluster.device=h100-sxm",
    ])
    let (table, root) = try Self.compare(
      Comparison.variants(scenario, matches: [.active], multipleOf: 1))
    defer { try? FileManager.default.removeItem(at: root) }
    let column = { (name: String) in table[0].firstIndex(of: name) ?? -1 }
    for row in table.dropFirst() {
      #expect(row[column("step_time_s")] == "" && row[column("tokens_per_s")] == "")
    }
    // A placement but no device: no time model either.
    let placed = try TestSupport.quickstart(["model.layers=3", "cluster.placement={}"])
    let rows = Comparison.rows(Comparison.variants(placed, matches: [.active], multipleOf: 1))
    let index = Comparison.columns.firstIndex(of: "step_time_s") ?? -1
    #expect(rows.allSatisfy { $0[index] == .empty })
  }

  @Test func withoutARunOnlyTheDenseRowsAreTimed() throws {
    let scenario = try TestSupport.quickstart(Self.clusterOverrides)
    let rows = Comparison.rows(Comparison.variants(scenario, matches: [.active], multipleOf: 1))
    let index = Comparison.columns.firstIndex(of: "step_time_s") ?? -1
    #expect(rows[0][index] == .empty)
    #expect(rows[1][index] != .empty)
  }
}
