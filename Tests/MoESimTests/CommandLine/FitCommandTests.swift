import Foundation
import Testing

@testable import MoESim

/// `moesim fit` through the built binary.
@Suite struct FitCommandTests {
  let cli = CommandLineTests()
  /// Quickstart with 2 MoE layers (blocks 1, 2), 2 steps × 512 tokens.
  let small = [
    "--set", "model.layers=3", "--set", "workload.tokens_per_step=512", "--set",
    "workload.steps=2", "--set", "workload.vocab_size=256", "--set",
    "workload.sequence_length=128", "--set", "workload.context_scale=0.8", "--set",
    "router.warmup_steps=0",
  ]
  /// What the fit is told about the trace's workload, and a fit of one knob in one round.
  let fitOptions = [
    "--set", "workload.sequence_length=128", "--set", "workload.vocab_size=256", "--knobs",
    "context_scale", "--rounds", "1", "--threads", "2",
  ]

  @Test func fitWritesAScenarioThatValidatesAndRuns() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("t.csv").path
    #expect(try cli.moesim(["export-trace", "--out", trace, "--threads", "2"] + small).status == 0)
    let out = folder.appendingPathComponent("fitted.json5").path
    let fit = try cli.moesim(["fit", trace, "--out", out, "--csv"] + fitOptions)
    #expect(fit.status == 0, "\(fit.standardError)")
    #expect(fit.standardOutput.contains("workload.context_scale"))
    #expect(fit.standardOutput.contains("top1_repeat_rate"))
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.hasPrefix("// Fitted by `moesim fit` to the routing trace \(trace):"))
    #expect(text.contains("matches top1_repeat_rate: trace "))
    // 2 MoE layers of 16 experts, top-2 as the quickstart; the other blocks dense.
    let scenario = try Scenario.load(path: out)
    #expect(scenario.model.moeLayerIndices == [1, 2] && scenario.model.moe?.experts == 16)
    #expect(scenario.workload.kind == .synthetic && scenario.workload.contextScale > 0)
    #expect(try cli.moesim(["validate", out]).status == 0)
    let run = try cli.moesim(
      ["run", out, "--quiet", "--out", folder.appendingPathComponent("r").path, "--threads", "2"])
    #expect(run.status == 0, "\(run.standardError)")
    let csv = try TestSupport.readCSV(folder.appendingPathComponent("fit.csv"))
    #expect(csv.first == ScenarioFit.Result.csvColumns)
    #expect(csv.contains { $0.first == "top1_repeat_rate" && $0[1] == "2" })
  }

  @Test func badInputGetsOneLineNamingTheFile() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let short = folder.appendingPathComponent("short.csv").path
    try "step,layer,token,expert\n0,0,0,1\n0,0,1,2\n0,1,0,3\n0,1,1,1\n".write(
      toFile: short, atomically: true, encoding: .utf8)
    let tooShort = try cli.moesim(["fit", short, "--out", "\(short).json5"] + fitOptions)
    #expect(tooShort.status == 65)
    #expect(tooShort.standardError.hasPrefix("error: \(short): too short to fit: 2 assignments"))
    #expect(tooShort.standardError.filter { $0 == "\n" }.count == 1)
    #expect(!FileManager.default.fileExists(atPath: "\(short).json5"))

    let badRow = folder.appendingPathComponent("bad.csv").path
    try "step,layer,token,expert\n0,x,0,1\n".write(
      toFile: badRow, atomically: true, encoding: .utf8)
    let row = try cli.moesim(["fit", badRow] + fitOptions)
    #expect(row.status == 65)
    #expect(row.standardError == "error: \(badRow):2: layer = 'x' is not an integer ≥ 0\n")

    let missing = try cli.moesim(["fit", "\(short).none"] + fitOptions)
    #expect(missing.status == 66)
    #expect(missing.standardError.hasPrefix("error: \(short).none: trace cannot be read"))

    let model = folder.appendingPathComponent("model.json5").path
    try BuiltinScenarios.quickstart.replacingOccurrences(
      of: "workload: {", with: "workload: { context_correlation: 1.5,"
    ).write(toFile: model, atomically: true, encoding: .utf8)
    let knob = try cli.moesim(["fit", short, "--model", model])
    #expect(knob.status == 65)
    #expect(knob.standardError.contains("\(model): workload.context_correlation = 1.5"))

    try BuiltinScenarios.quickstart.replacingOccurrences(
      of: "kind: \"softmax_topk\"", with: "kind: \"hash\""
    ).replacingOccurrences(of: "aux_loss_coeff: 0.032", with: "aux_loss_coeff: 0").write(toFile: model, atomically: true, encoding: .utf8)
    let hashed = try cli.moesim(["fit", short, "--model", model])
    #expect(hashed.status == 65)
    #expect(
      hashed.standardError.hasPrefix("error: \(model): router.kind = \"hash\" is out of range"))

    let dense = try cli.moesim(
      ["fit", short, "--model", TestSupport.scenarioPath("llama3-8b-dense.json5")])
    #expect(dense.status == 65)
    #expect(
      dense.standardError.contains("llama3-8b-dense.json5: model.moe is required but missing"))

    #expect(try cli.moesim(["fit", short, "--knobs", "temperature"]).status == 64)
    #expect(try cli.moesim(["fit"]).status == 64)
  }
}
