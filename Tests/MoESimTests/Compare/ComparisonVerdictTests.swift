import Foundation
import Testing

@testable import MoESim

/// The verdict `moesim compare` prints, read back from `comparison.csv`.
@Suite struct ComparisonVerdictTests {
  @Test func ratiosAreWorseOverBetterAndTiesWithinHalfAPercent() {
    let faster = ComparisonVerdict.Ratio(moe: 2, dense: 3)
    #expect(faster.winner == .moe && faster.factor == 1.5)
    #expect(ComparisonVerdict.Ratio(moe: 4, dense: 1).winner == .dense)
    #expect(ComparisonVerdict.Ratio(moe: 4, dense: 1).factor == 4)
    // 1.004 / 1 is within 0.5 %, 1.006 / 1 is not.
    #expect(ComparisonVerdict.Ratio(moe: 1.004, dense: 1).winner == .tie)
    #expect(ComparisonVerdict.Ratio(moe: 1.006, dense: 1).winner == .dense)
  }

  @Test func theVerdictAgreesWithTheTableItIsReadFrom() throws {
    let scenario = try TestSupport.quickstart([])
    let variants = Comparison.variants(scenario, matches: [.active, .total], multipleOf: 1)
    let rows = Comparison.rows(variants)
    let text = rows.map { $0.map(\.text).joined(separator: ",") }.joined(separator: "\n")
    let table = CSVTable(
      columns: Comparison.columns, rows: CSVTable.parse(text), path: "comparison.csv")
    let verdicts = try ComparisonVerdict.verdicts(table)
    #expect(verdicts.map(\.dense.name) == ["dense_equal_active", "dense_equal_total"])
    let column = { (name: String, row: Int) in Double(table.rows[row][try table.index(name)]) }
    for (index, verdict) in verdicts.enumerated() {
      let moeMemory = try #require(try column("memory_bytes_per_device", 0))
      let denseMemory = try #require(try column("memory_bytes_per_device", index + 1))
      #expect(verdict.memory.factor == max(moeMemory, denseMemory) / min(moeMemory, denseMemory))
      #expect(verdict.memory.winner == (moeMemory < denseMemory ? .moe : .dense))
      // No run: no step times, and the reason says so.
      #expect(verdict.speed == nil)
      #expect(verdict.timeBlankReason?.contains("--no-run") == true)
    }
    // Matched on active compute: equal forward FLOPs but for the router's 2·h·E per MoE layer,
    // far below the tie tolerance.
    #expect(verdicts[0].flops.winner == .tie)
    // Matched on total parameters, the dense model multiplies every token by all of them.
    #expect(verdicts[1].flops.winner == .moe)
    // The quickstart has dense layers, outside the MoE fit: the note is the reason.
    #expect(verdicts[0].lossDifference == nil)
    #expect(verdicts[0].lossBlankReason?.hasPrefix("moe: ") == true)
  }

  @Test func aTableWithoutAnMoERowIsRefused() throws {
    let table = CSVTable(columns: Comparison.columns, rows: [], path: "c.csv")
    #expect(throws: PlotError.self) { try ComparisonVerdict.verdicts(table) }
  }
}
