import Foundation
import Testing

@testable import MoESim

/// Round trips: a trace exported from a scenario of known knobs (seed 7) is fitted from another
/// seed (1), so recovery is not a replay of the same random streams.
@Suite struct FitRecoveryTests {
  /// What the test traces share with the fit's base: 16 experts, top-2, 6 MoE layers, 256
  /// tokens a step (6,144 routing decisions per simulated step... × 4 steps), sequences of 64
  /// tokens from 8 domains; noise 2, so that the per-token noise, which `layer_persistence`
  /// carries across layers, is a large share of the hidden state.
  static let known = [
    "workload.vocab_size=2048", "workload.router_dim=32", "workload.sequence_length=64",
    "workload.noise=2", "workload.domain_offset_scale=0.5",
  ]
  /// The knobs the fit has to find.
  static let truth = [
    "router.bias_spread=0.8", "workload.context_scale=1", "workload.layer_persistence=0.5",
  ]

  static func base(_ overrides: [String], steps: Int) throws -> Scenario {
    let shape = TraceShape(
      content: .decisions, steps: steps, moeLayers: Array(0..<6), tokensPerStep: 256,
      experts: 16, topK: 2)
    return try Scenario.parse(
      Data(FitBase.text(shape: shape, topK: 2, tracePath: "known.csv").utf8), file: "known",
      overrides: (known + overrides).map(ScenarioOverride.init(parsing:)))
  }

  /// Writes `rows` (a decisions trace's data lines) with steps renumbered from `firstStep` on.
  static func writeSteps(_ rows: [Substring], from firstStep: Int, to path: String) throws {
    let text = rows.map { row -> String in
      let fields = row.split(separator: ",", maxSplits: 1)
      return "\(Int(fields[0])! - firstStep),\(fields[1])"
    }
    try ([RoutingTraceExport.columns.joined(separator: ",")] + text).joined(separator: "\n")
      .appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// Fits the first 4 of 8 exported steps: the knobs come back within the stated tolerances,
  /// and the fitted scenario, run on another seed, predicts the statistics of the held-out last
  /// 4 steps (seed 9's trace misses the repeat rate by 0.028, hence 0.035).
  @Test func recoversKnownKnobsAndPredictsTheSecondHalf() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let whole = folder.appendingPathComponent("known.csv").path
    try RoutingTraceExport.write(
      try Self.base(Self.truth + ["seed=7"], steps: 8), to: whole, threads: 2)
    let rows = TextLines.split(try String(contentsOfFile: whole, encoding: .utf8)).dropFirst()
    let firstHalf = rows.filter { Int($0.prefix { $0 != "," })! < 4 }
    let secondHalf = rows.filter { Int($0.prefix { $0 != "," })! >= 4 }
    let first = folder.appendingPathComponent("first.csv").path
    let second = folder.appendingPathComponent("second.csv").path
    try Self.writeSteps(Array(firstHalf), from: 0, to: first)
    try Self.writeSteps(Array(secondHalf), from: 4, to: second)

    let base = try FitBase.scenario(
      tracePath: first, model: nil, overrides: Self.known.map(ScenarioOverride.init(parsing:)))
    #expect(base.workload.steps == 4 && base.workload.tokensPerStep == 256)
    #expect(base.model.moeLayerIndices == Array(0..<6) && base.model.moe?.topK == 2)
    var fit = ScenarioFit(tracePath: first, base: base)
    fit.threads = 2
    let result = try fit.fit()
    let value = { (knob: FitKnob) in result.knobs.first { $0.knob == knob }?.value ?? .nan }
    // Tolerances from the spread over trace seeds: with seeds 7, 8, 9 this round trip gives
    // bias_spread 0.69, 0.86, 0.82, context_scale 1.08, 0.93, 0.75 and layer_persistence 0.41,
    // 0.42, 0.54 (a trace is one draw of the experts' popularity and of 16 sequences' contexts).
    #expect(abs(value(.biasSpread) - 0.8) < 0.2, "\(result.table)")
    #expect(abs(value(.contextScale) - 1) < 0.35, "\(result.table)")
    #expect(abs(value(.layerPersistence) - 0.5) < 0.15, "\(result.table)")
    #expect(result.knobs.allSatisfy { $0.keptBecause == nil && !$0.atBound })
    // In sample, each matched statistic is close to the trace's: within its search tolerance
    // when fitted, then moved by the knobs fitted after it (up to 0.021 in run CV, seed 9).
    for knob in result.knobs {
      let trace = try #require(knob.knob.statistic(of: result.trace))
      let fitted = try #require(knob.knob.statistic(of: result.fitted))
      #expect(abs(fitted - trace) < 10 * knob.knob.tolerance, "\(knob.knob) \(result.table)")
    }

    // Out of sample: the held-out half against the fitted scenario run on another seed.
    var heldOut = base
    heldOut.workload.kind = .trace
    heldOut.workload.trace = second
    let observed = try FitStatistics.measure(heldOut, threads: 2)
    var predicting = result.scenario
    predicting.seed = 11
    let predicted = try FitStatistics.measure(predicting, threads: 2)
    let tolerances: [(FitKnob, Double)] = [
      (.biasSpread, 0.12), (.contextScale, 0.035), (.layerPersistence, 0.01),
    ]
    for (knob, tolerance) in tolerances {
      let held = try #require(knob.statistic(of: observed))
      let model = try #require(knob.statistic(of: predicted))
      #expect(abs(held - model) < tolerance, "\(knob.statistic): \(held) vs \(model)")
    }
  }

  /// Popularity skew that differs by depth: a trace of per-layer spreads 0.2, 0.2, 0.6, 0.6,
  /// 1.4, 1.4 is fitted with one spread and with one per layer. Per layer, each layer's
  /// run-load CV is matched far better than one spread for all can, and the spreads come back
  /// in order with the right mean.
  @Test func perLayerSkewRecoversSpreadsThatDifferByDepth() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let truth = [0.2, 0.2, 0.6, 0.6, 1.4, 1.4]
    let path = folder.appendingPathComponent("layers.csv").path
    let spreads = "router.bias_spread_by_layer=[\(truth.map { "\($0)" }.joined(separator: ","))]"
    try RoutingTraceExport.write(
      try Self.base([spreads, "seed=7"], steps: 4), to: path, threads: 2)
    let base = try FitBase.scenario(
      tracePath: path, model: nil, overrides: Self.known.map(ScenarioOverride.init(parsing:)))
    var fit = ScenarioFit(tracePath: path, base: base)
    fit.threads = 2
    fit.knobs = [.biasSpread]
    fit.rounds = 1
    let pooled = try fit.fit()
    fit.perLayerSkew = true
    let layered = try fit.fit()
    let fitted = try #require(layered.scenario.router.biasSpreadByLayer)
    #expect(fitted.count == 6)
    // A layer's spread is read off one draw of 16 experts' popularity in the trace and another
    // in the fit's seed, so a single layer comes back only roughly (seed 7: 0.40, 0.27, 0.46,
    // 0.24, 1.82, 0.79); their mean is close and the deep layers stay above the shallow ones.
    let mean = fitted.reduce(0, +) / 6
    #expect(abs(mean - truth.reduce(0, +) / 6) < 0.15, "\(fitted)")
    #expect(fitted[4...].min()! > fitted[..<2].max()!, "\(fitted)")
    func layerError(_ result: ScenarioFit.Result) -> Double {
      zip(result.trace.layers, result.fitted.layers).map { abs($0.runLoadCV - $1.runLoadCV) }
        .reduce(0, +) / 6
    }
    #expect(
      layerError(layered) < layerError(pooled) / 2,
      "\(layerError(layered)) vs \(layerError(pooled))")
    #expect(pooled.scenario.router.biasSpreadByLayer == nil)
    // The fitted scenario writes the spreads and reads back to the same router.
    let text = layered.scenarioText(tracePath: path)
    #expect(text.contains("bias_spread_by_layer"))
    let reread = try Scenario.parse(Data(text.utf8), file: "fit.json5", overrides: [])
    #expect(reread.router.biasSpreadByLayer == fitted)
  }
}
