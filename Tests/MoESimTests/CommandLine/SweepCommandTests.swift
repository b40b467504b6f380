import Foundation
import Testing

/// `moesim sweep` and `moesim merge` through the built binary: exit statuses and the table.
@Suite struct SweepCommandTests {
  let cli = CommandLineTests()

  @Test func badVaryValuesExit64NamingTheArgument() throws {
    let result = try cli.moesim(["sweep", "--strict", "--vary", "model.moe.top_k=1,99"])
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

/// Coupled axes, points files, invalid points and derived widths through the built binary.
@Suite struct SweepCouplingCommandTests {
  let cli = CommandLineTests()
  static let small = [
    "--set", "workload.steps=1", "--set", "workload.tokens_per_step=64", "--set", "model.layers=2",
    "--no-step-trace", "--jobs", "2",
  ]

  /// `model.moe` of a point's resolved scenario echo.
  static func moe(_ folder: URL, _ point: String) throws -> [String: Any] {
    let echo = try Data(contentsOf: folder.appendingPathComponent(point + "/scenario.json"))
    let tree = try JSONSerialization.jsonObject(with: echo) as? [String: Any]
    return (tree?["model"] as? [String: Any])?["moe"] as? [String: Any] ?? [:]
  }

  @Test func invalidPointsAreMarkedAndTheRestRunUnlessStrict() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let grid = ["--vary", "model.moe.experts=4,8", "--vary", "model.moe.top_k=2..8*2"]
    let result = try cli.moesim(["sweep"] + grid + Self.small + ["--out", "s"], in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("s/sweep.csv"))
    let status = try #require(rows[0].firstIndex(of: "point_status"))
    let reason = try #require(rows[0].firstIndex(of: "point_error"))
    // top_k ≤ experts: (4, 8) is the only invalid point of the 2 × 3 grid.
    #expect(rows.dropFirst().map { $0[status] } == ["ok", "ok", "invalid", "ok", "ok", "ok"])
    #expect(rows[3][reason].contains("model.moe.top_k = 8 is out of range; allowed 1...4"))
    #expect(rows[3][rows[0].firstIndex(of: "total_params") ?? 0].isEmpty)
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/s/point-0002"))
    #expect(result.standardError.contains("warning: point 2 is invalid"))
    // --strict: the first invalid point is the error, nothing runs.
    let strict = try cli.moesim(
      ["sweep", "--strict"] + grid + Self.small + ["--out", "t"], in: folder)
    #expect(strict.status == 64)
    #expect(strict.standardError.contains("--vary model.moe.top_k=2..8*2 (value 8)"))
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/t"))
    // Every point invalid: nothing to run, the first reason is the error.
    let none = try cli.moesim(["sweep", "--vary", "model.moe.top_k=99"] + Self.small, in: folder)
    #expect(none.status == 64)
  }

  @Test func zipPointsAndKeepActiveHoldActiveExpertParameters() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mismatched = try cli.moesim(
      ["sweep", "--zip", "model.moe.experts=8,16", "--zip", "model.moe.top_k=1"] + Self.small,
      in: folder)
    #expect(mismatched.status == 64)
    #expect(mismatched.standardError.contains("--zip model.moe.top_k=1"))
    #expect(mismatched.standardError.contains("--zip model.moe.experts=8,16"))

    let result = try cli.moesim(
      [
        "sweep", "--zip", "model.moe.experts=16,32,64", "--zip", "model.moe.top_k=2,4,8",
        "--vary", "model.moe.expert_intermediate_size=keep_active", "--vary", "seed=1,2",
        "--out", "z", "--quiet",
      ] + Self.small, in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("z/sweep.csv"))
    #expect(rows.count == 7)
    #expect(
      rows.dropFirst().map { $0[1] + "/" + $0[2] + "/" + $0[4] } == [
        "16/2/1", "16/2/2", "32/4/1", "32/4/2", "64/8/1", "64/8/2",
      ])
    // The quickstart's top_k 2 × width 1408 = 2816 active expert width per token, kept:
    // 2816 / 4 = 704 and 2816 / 8 = 352; active parameters then differ only by the router's
    // hidden_size × ΔE per MoE layer (1 MoE layer of 2 here: the first stays dense).
    let widths = try (0..<6).map {
      try Self.moe(folder, String(format: "z/point-%04d", $0))["expert_intermediate_size"] as? Int
    }
    #expect(widths == [1408, 1408, 704, 704, 352, 352])
    let active = try #require(rows[0].firstIndex(of: "active_params"))
    let hidden = try TestSupport.quickstart([]).model.hiddenSize
    let a16 = try #require(Double(rows[1][active]))
    let a64 = try #require(Double(rows[5][active]))
    #expect(a64 - a16 == Double(hidden * (64 - 16)))

    // A points file crossed with a --vary whose object values merge into model.moe.
    let points = folder.appendingPathComponent("points.csv")
    try "model.moe.experts,model.moe.top_k\n8,1\n16,2\n".write(
      to: points, atomically: true, encoding: .utf8)
    let merged = try cli.moesim(
      [
        "sweep", "--points", points.path, "--vary",
        "model.moe={shared_experts:1},{shared_experts:0}", "--out", "p", "--quiet",
      ] + Self.small, in: folder)
    #expect(merged.status == 0, "\(merged.standardError)")
    let table = try TestSupport.readCSV(folder.appendingPathComponent("p/sweep.csv"))
    #expect(table[0].prefix(4) == ["point", "model.moe.experts", "model.moe.top_k", "model.moe"])
    #expect(table.count == 5)
    // Replacing model.moe would have dropped first_dense_layers (1) and the expert width.
    let moe = try Self.moe(folder, "p/point-0002")
    #expect(moe["experts"] as? Int == 16 && moe["shared_experts"] as? Int == 1)
    #expect(
      moe["first_dense_layers"] as? Int == 1 && moe["expert_intermediate_size"] as? Int == 1408)
    #expect(try cli.moesim(["sweep", "--points", "/nonexistent/p.csv"]).status == 66)
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
