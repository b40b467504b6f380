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

/// `moesim plot` and `moesim compare` exit statuses.
@Suite struct PlotCompareCommandTests {
  let cli = CommandLineTests()

  @Test func plotAndCompareRefuseBadInputWithSysexits() throws {
    #expect(try cli.moesim(["plot"]).status == 64)
    #expect(try cli.moesim(["plot", "/nonexistent-moesim-folder"]).status == 66)
    let empty = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: empty) }
    #expect(try cli.moesim(["plot", empty.path]).status == 65)
    #expect(try cli.moesim(["compare", "--match", "bogus", "--no-run"]).status == 64)
    let dense = TestSupport.scenarioPath("llama3-8b-dense.json5")
    #expect(try cli.moesim(["compare", dense, "--no-run"]).status == 64)
    let result = try cli.moesim(
      ["compare", "--no-run", "--quiet", "--out", empty.appendingPathComponent("c").path])
    #expect(result.status == 0, "\(result.standardError)")
    let table = try TestSupport.readCSV(empty.appendingPathComponent("c/comparison.csv"))
    // The quickstart's dense counterpart at equal active compute: 2 × 1408 = 2816 wide.
    #expect(table.count == 3 && table[2][0] == "dense_equal_active" && table[2][3] == "2816")
  }
}
