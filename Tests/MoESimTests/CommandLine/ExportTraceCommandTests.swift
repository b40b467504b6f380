import Foundation
import Testing

@testable import MoESim

/// `moesim export-trace` and trace replay through the built binary.
@Suite struct ExportTraceCommandTests {
  let cli = CommandLineTests()
  let small = [
    "--set", "model.layers=3", "--set", "workload.tokens_per_step=32", "--set",
    "workload.steps=2", "--set", "workload.vocab_size=256", "--set", "router.warmup_steps=0",
  ]

  @Test func exportThenReplayFromTheCommandLine() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("t.csv").path
    let export = try cli.moesim(["export-trace", "--out", trace, "--threads", "2"] + small)
    #expect(export.status == 0, "\(export.standardError)")
    let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
    // Header + 2 steps × 2 MoE layers × 32 tokens × top-2.
    #expect(
      lines.first == "step,layer,token,expert,gate,kept,final_gate"
        && lines.count == 1 + 2 * 2 * 32 * 2)
    let replay = try cli.moesim(
      ["run", "--quiet", "--out", folder.appendingPathComponent("r").path] + small
        + ["--set", "workload.kind=trace", "--set", "workload.trace=\(trace)"])
    #expect(replay.status == 0, "\(replay.standardError)")
  }

  @Test func aBadTraceRowIsADataError() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("bad.csv").path
    try "step,layer,token,expert\n0,1,0,99\n".write(
      toFile: trace, atomically: true, encoding: .utf8)
    let replay = try cli.moesim(
      ["run", "--quiet", "--out", folder.appendingPathComponent("r").path] + small
        + ["--set", "workload.kind=trace", "--set", "workload.trace=\(trace)"])
    #expect(replay.status == 65)
    #expect(
      replay.standardError == "error: \(trace):2: expert = 99 is out of range; allowed 0...15\n")
    let missing = try cli.moesim(
      ["run", "--quiet", "--out", folder.appendingPathComponent("m").path] + small
        + ["--set", "workload.kind=trace", "--set", "workload.trace=\(trace).none"])
    #expect(missing.status == 66)
  }

  @Test func exportNeedsAnOutputFile() throws {
    #expect(try cli.moesim(["export-trace"]).status == 64)
  }
}
