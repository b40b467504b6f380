import Foundation
import Testing

/// `moesim compare` prints a verdict and keeps the CSV; `moesim plot` draws the compare folder.
@Suite struct CompareVerdictCommandTests {
  let cli = CommandLineTests()

  @Test func compareVerdictMatchesTheCSVAndPlotDrawsTheFolder() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try cli.moesim(
      [
        "compare", "--match", "active,total", "--set", "workload.steps=1", "--set",
        "workload.tokens_per_step=64", "--set", "model.layers=2", "--threads", "1", "--out", "c",
      ], in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let table = try TestSupport.readCSV(folder.appendingPathComponent("c/comparison.csv"))
    #expect(table.count == 4)
    let out = result.standardOutput
    #expect(out.contains("moe vs dense_equal_active (dense FFN width 2816)"))
    #expect(out.contains("moe vs dense_equal_total"))
    #expect(out.contains("c/comparison.csv\n") && out.contains("table: "))
    // The quickstart has no time model: the reason, not a number.
    #expect(out.contains("blank: needs cluster.placement and cluster.device"))
    // The memory factor printed is the CSV's ratio.
    let memory = try #require(table[0].firstIndex(of: "memory_bytes_per_device"))
    let moe = try #require(Double(table[1][memory]))
    let dense = try #require(Double(table[2][memory]))
    let factor = String(format: "%.2f×", max(moe, dense) / min(moe, dense))
    let winner = moe < dense ? "moe" : "dense_equal_active"
    #expect(out.contains("\(winner): \(factor) less memory"))

    let plot = try cli.moesim(["plot", "c"], in: folder)
    #expect(plot.status == 0, "\(plot.standardError)")
    let root = folder.resolvingSymlinksInPath().path
    let written = plot.standardOutput.split(separator: "\n").map {
      String($0).replacingOccurrences(of: root + "/", with: "")
        .replacingOccurrences(of: folder.path + "/", with: "")
    }
    #expect(written.contains("c/compare-memory_bytes_per_device.svg"))
    #expect(!written.contains("c/compare-step_time_s.svg"))
    #expect(written.contains("c/moe/load-heatmap.svg"))
    // The dense run routes nothing: memory only, no empty heatmap, imbalance or drops chart.
    #expect(
      written.filter { $0.hasPrefix("c/dense_equal_active/") } == [
        "c/dense_equal_active/memory.svg"
      ])
  }

  /// The routing-work budget guards simulation: `--no-run` simulates nothing, so a run far
  /// above the budget is compared by accounting alone, while the same run simulated is refused.
  @Test func noRunIsNotHeldToTheRoutingBudget() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let large = ["--set", "workload.steps=1000000000", "--match", "memory"]
    let accounted = try cli.moesim(["compare", "--no-run", "--out", "a"] + large, in: folder)
    #expect(accounted.status == 0, "\(accounted.standardError)")
    #expect(accounted.standardOutput.contains("dense_equal_memory"))
    let simulated = try cli.moesim(["compare", "--out", "s"] + large, in: folder)
    #expect(simulated.status == 65)
    #expect(simulated.standardError.contains("routing decisions"), "\(simulated.standardError)")
  }

  @Test func withATimeModelTheVerdictSaysWhichIsFasterByTheCSVRatio() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try cli.moesim(
      [
        "compare", "--set", "cluster.device=h100-sxm", "--set",
        "cluster.placement={strategy: \"contiguous\"}", "--set", "workload.steps=2", "--set",
        "workload.tokens_per_step=256", "--set", "router.warmup_steps=0", "--threads", "1",
        "--out", "t",
      ], in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    let table = try TestSupport.readCSV(folder.appendingPathComponent("t/comparison.csv"))
    let column = try #require(table[0].firstIndex(of: "step_time_s"))
    let moe = try #require(Double(table[1][column]))
    let dense = try #require(Double(table[2][column]))
    let winner = moe < dense ? "moe" : "dense_equal_active"
    let factor = String(format: "%.2f×", max(moe, dense) / min(moe, dense))
    #expect(result.standardOutput.contains("\(winner): \(factor) faster"))
  }
}
