import Foundation
import Testing

@testable import MoESim

/// Round trips: a trace exported from a scenario of known knobs, fitted from another seed.
@Suite struct FitRecoveryTests {
  /// The shape of the test traces: 6 MoE layers × 4 steps × 256 tokens (6,144 routing
  /// decisions a simulation), 16 experts, top-2, sequences of 64 tokens from 8 domains; noise 2
  /// so that the per-token noise, which `layer_persistence` carries across layers, is a large
  /// share of the hidden state.
  static let shape = [
    "workload.vocab_size=2048", "workload.router_dim=32", "workload.sequence_length=64",
    "workload.noise=2", "workload.domain_offset_scale=0.5",
  ]
  static let truth = [
    "router.bias_spread=0.8", "workload.context_scale=1", "workload.layer_persistence=0.5",
  ]

  /// The generated base of a 6-layer, 16-expert, top-2 decisions trace of 4 × 256 tokens.
  static func base(_ overrides: [String], steps: Int = 4) throws -> Scenario {
    let shape = TraceShape(
      content: .decisions, steps: steps, moeLayers: Array(0..<6), tokensPerStep: 256,
      experts: 16, topK: 2)
    return try Scenario.parse(
      Data(FitBase.text(shape: shape, topK: 2, tracePath: "known.csv").utf8), file: "known",
      overrides: (Self.shape + overrides).map(ScenarioOverride.init(parsing:)))
  }

  /// Exports the scenario of known knobs (seed 7) and returns the trace's path.
  static func exportTruth(steps: Int = 4) throws -> String {
    let folder = try TestSupport.temporaryFolder()
    let path = folder.appendingPathComponent("known.csv").path
    try RoutingTraceExport.write(try base(truth + ["seed=7"], steps: steps), to: path, threads: 2)
    return path
  }

  @Test func recoversKnownKnobs() throws {
    let trace = try Self.exportTruth()
    let start = Date()
    var fit = ScenarioFit(
      tracePath: trace,
      base: try FitBase.scenario(
        tracePath: trace, model: nil,
        overrides: (Self.shape + ["workload.domain_offset_scale=0.5"]).map(ScenarioOverride.init(parsing:))))
    fit.knobs = [.biasSpread, .contextScale, .layerPersistence]
    fit.threads = 2
    let result = try fit.fit()
    print(result.table, Date().timeIntervalSince(start), result.knobs.map(\.evaluations))
  }
}
