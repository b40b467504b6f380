import Foundation
import Testing

/// `moesim sweep` and `moesim merge` through the built binary: exit statuses and the table.
@Suite struct SweepCommandTests {
  let cli = CommandLineTests()

  @Test func badVaryValuesExit64NamingTheArgument() throws {
    let result = try cli.moesim(["sweep", "--vary", "model.moe.top_k=1,99"])
    #expect(result.status == 64)
    #expect(result.standardError.contains("--vary model.moe.top_k=1,99 (value 99)"))
    #expect(try cli.moesim(["sweep"]).status == 64)
    #expect(try cli.moesim(["sweep", "--vary", "seed=1", "--shard", "2/2"]).status == 64)
  }

  @Test func sweepWritesOneRowPerPointAndMergeRefusesAFolderWithoutTables() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try cli.moesim(
      [
        "sweep", "--vary", "seed=1..2", "--set", "workload.steps=1", "--set",
        "workload.tokens_per_step=64", "--set", "model.layers=2", "--out", "s", "--jobs", "2",
      ], in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("s/sweep.csv"))
    #expect(rows.count == 3)
    #expect(rows[0].prefix(3) == ["point", "seed", "scenario"])
    // The summary's own seed column repeats the varied value.
    #expect(rows[1][1] == "1" && rows[1][3] == "1" && rows[2][1] == "2" && rows[2][3] == "2")
    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    #expect(try cli.moesim(["merge", empty.path]).status == 65)
  }
}
