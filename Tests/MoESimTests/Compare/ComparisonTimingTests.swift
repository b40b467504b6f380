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
    // The dense rows: the same time model, computed without a run (their own summary.csv has no
    // MoE layer to time, so its cells are empty).
    for (row, variant) in zip(table.dropFirst(2), variants.dropFirst()) {
      let dense = try TestSupport.readCSV(
        root.appendingPathComponent("\(variant.name)/summary.csv"))
      #expect(dense[1][summaryColumn("step_time_s")] == "")
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

  @Test func denseTimeEqualsAOneExpertMoERun() throws {
    // A one-expert top-1 dropless MoE on one device routes every token to the expert on its own
    // device: the simulator's measured traffic (no all-to-all, one slot read) is exactly what
    // DenseStepTime assumes for its dense counterpart (FFN width 1 × 1408; both have the same
    // 1-wide router). Its own summary.csv must therefore give the same step time.
    let scenario = try TestSupport.quickstart([
      "workload.steps=2", "workload.tokens_per_step=64", "model.layers=3",
      "model.moe.experts=1", "model.moe.top_k=1", "model.moe.first_dense_layers=0",
      "router.capacity_factor=null", "cluster.device=h100-sxm", "cluster.placement={}",
    ])
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    try RunWriter.run(scenario, folder: root.path, threads: 1)
    let summary = try TestSupport.readCSV(root.appendingPathComponent("summary.csv"))
    let column = { (name: String) in summary[0].firstIndex(of: name) ?? -1 }
    let measured = try #require(Double(summary[1][column("step_time_s")]))
    let (dense, width) = DenseCounterpart.derive(from: scenario, match: .active)
    #expect(width == 1408)
    let timing = try #require(DenseStepTime.timing(dense: dense, moe: scenario))
    #expect(abs(timing.stepSeconds - measured) <= 1e-12 * measured)
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
