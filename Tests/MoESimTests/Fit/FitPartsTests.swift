import Foundation
import Testing

@testable import MoESim

/// The parts of a fit: the trace's shape, the generated base, the affinity statistic, the
/// search, and determinism.
@Suite struct FitPartsTests {
  func write(_ text: String) throws -> String {
    let path = try TestSupport.temporaryFolder().appendingPathComponent("t.csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func shapeIsReadFromTheTrace() throws {
    // MoE layers 1 and 3, tokens 0–2, steps 0–1, highest expert 5, one token with 3 experts.
    let decisions = try write(
      "step,layer,token,expert,gate\n0,1,0,5,0.5\n0,1,0,2,0.3\n0,1,0,1,0.2\n0,3,2,0,1\n1,1,1,4,1\n")
    let shape = try TraceShape.scan(path: decisions)
    #expect(
      shape
        == TraceShape(
          content: .decisions, steps: 2, moeLayers: [1, 3], tokensPerStep: 3, experts: 6, topK: 3))
    let logits = try write("step,layer,token,logit_0,logit_1,logit_2\n0,0,0,1,2,3\n0,0,1,1,2,3\n")
    let logitsShape = try TraceShape.scan(path: logits)
    #expect(logitsShape.content == .logits && logitsShape.experts == 3 && logitsShape.topK == nil)
    // A logits trace without --model: the router is unknown.
    #expect(throws: TraceError.self) {
      try FitBase.scenario(tracePath: logits, model: nil, overrides: [])
    }
    // The generated base has the trace's MoE layers, the gaps dense.
    let base = try FitBase.scenario(tracePath: decisions, model: nil, overrides: [])
    #expect(base.model.layers == 4 && base.model.moeLayerIndices == [1, 3])
    #expect(base.model.moe?.experts == 6 && base.model.moe?.topK == 3)
    #expect(base.workload.steps == 2 && base.workload.tokensPerStep == 3)
    #expect(base.workload.domains.count == FitBase.defaultDomains)
  }

  /// Theil's U by hand for 2 experts: a diagonal table gives 1, a flat one 0, and
  /// [[3, 1], [1, 3]] gives (0.75·ln 1.5 + 0.25·ln 0.5) / ln 2 = 0.188722.
  @Test(arguments: [([2, 0, 0, 2], 1.0), ([1, 1, 1, 1], 0.0), ([3, 1, 1, 3], 0.188722)])
  func affinityIsTheUncertaintyCoefficient(counts: [Int], expected: Double) throws {
    var affinity = CrossLayerAffinity(layers: 2, experts: 2)
    affinity.counts = counts
    let rate = try #require(affinity.rate(ordinal: 0))
    #expect(abs(rate - expected) < 1e-6, "\(rate)")
    #expect(affinity.rate(ordinal: 1) == nil)
  }

  @Test func searchFindsTheRootOrTheBound() throws {
    let square = FitSearch(range: 0...2, target: 1, tolerance: 1e-4)
    var calls = 0
    let root = square.solve { x in
      calls += 1
      return x * x
    }
    #expect(abs(root.value - 1) < 1e-3 && !root.atBound && calls == root.evaluations)
    #expect(root.evaluations <= square.maxEvaluations)
    let high = FitSearch(range: 0...2, target: 9, tolerance: 1e-4).solve { $0 * $0 }
    #expect(high.value == 2 && high.atBound && high.evaluations == 2)
    let low = FitSearch(range: 1...2, target: 0.5, tolerance: 1e-4).solve { $0 * $0 }
    #expect(low.value == 1 && low.atBound && low.evaluations == 1)
    // A step function (as simulated counts are): stops at a value on the right step.
    let steps = FitSearch(range: 0...1, target: 0.55, tolerance: 0.01).solve {
      ($0 * 10).rounded(.down) / 10
    }
    #expect(steps.statistic == 0.5 || steps.statistic == 0.6)
  }

  /// The same trace and options give the same scenario for 1 and 3 threads.
  @Test func fitIsThreadInvariant() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("t.csv").path
    let overrides = [
      "model.layers=3", "workload.tokens_per_step=512", "workload.steps=2",
      "workload.vocab_size=256", "workload.sequence_length=128", "workload.context_scale=0.8",
    ]
    try RoutingTraceExport.write(try TestSupport.quickstart(overrides), to: trace, threads: 2)
    var texts: [String] = []
    for threads in [1, 3] {
      var fit = ScenarioFit(
        tracePath: trace,
        base: try FitBase.scenario(
          tracePath: trace, model: nil,
          overrides: ["workload.vocab_size=256", "workload.sequence_length=128"].map(
            ScenarioOverride.init(parsing:))))
      fit.knobs = [.contextScale]
      fit.rounds = 1
      fit.threads = threads
      texts.append(try fit.fit().scenarioText(tracePath: trace))
    }
    #expect(texts[0] == texts[1])
  }
}
