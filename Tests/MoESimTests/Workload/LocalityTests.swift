import Foundation
import Testing

@testable import MoESim

@Suite struct LocalityTests {
  func source(_ overrides: [String]) throws -> SyntheticTokenSource {
    let scenario = try TestSupport.quickstart(overrides)
    return SyntheticTokenSource(spec: scenario.workload, seed: scenario.seed)
  }

  /// The context is a stationary AR(1) per sequence: per coordinate variance σ_c² and lag-1
  /// correlation ρ (sample estimates over 4 sequences × 2048 tokens × 64 coordinates).
  @Test func contextIsStationaryAR1() throws {
    let source = try source([
      "workload.tokens_per_step=8192", "workload.sequence_length=2048",
      "workload.context_scale=0.5", "workload.context_correlation=0.8",
    ])
    let dim = source.spec.routerDim, tokens = source.spec.tokensPerStep
    var context = [Float](repeating: 0, count: tokens * dim)
    context.withUnsafeMutableBufferPointer { source.drawContext(step: 0, into: $0.baseAddress!) }
    var squares = 0.0, products = 0.0, pairs = 0
    for token in 0..<tokens {
      for j in 0..<dim { squares += Double(context[token * dim + j] * context[token * dim + j]) }
      guard token % 2048 != 0 else { continue }
      pairs += 1
      for j in 0..<dim {
        products += Double(context[token * dim + j] * context[(token - 1) * dim + j])
      }
    }
    let variance = squares / Double(tokens * dim)
    let correlation = products / Double(pairs * dim) / variance
    #expect(abs(variance - 0.25) < 0.02, "\(variance)")
    #expect(abs(correlation - 0.8) < 0.02, "\(correlation)")
    // Sequences are independent: the first token of sequence 1 does not follow sequence 0.
    var across = 0.0
    for j in 0..<dim { across += Double(context[2048 * dim + j] * context[2047 * dim + j]) }
    #expect(abs(across / Double(dim) / variance) < 0.5)
  }

  /// The evolving noise keeps unit variance and has lag-1 correlation a across layers.
  @Test func noiseEvolvesAsAResidualStream() throws {
    let source = try source(["workload.layer_persistence=0.6", "workload.noise=1"])
    let dim = source.spec.routerDim, count = 256
    let base = [Float](repeating: 0, count: count * dim)
    var noise = [Float](repeating: 0, count: count * dim)
    var generator = RandomStream.make(seed: 9, .tokens, 0)
    noise.withUnsafeMutableBufferPointer { NormalSampler.fill($0, scale: 1, using: &generator) }
    let before = noise
    var hidden = [Float](repeating: 0, count: count * dim)
    source.evolve(
      step: 0, block: 0, ordinal: 1, count: count, base: base, noise: &noise, hidden: &hidden)
    let n = Double(count * dim)
    let variance = zip(noise, noise).map { Double($0 * $1) }.reduce(0, +) / n
    let covariance = zip(noise, before).map { Double($0 * $1) }.reduce(0, +) / n
    #expect(abs(variance - 1) < 0.05, "\(variance)")
    #expect(abs(covariance - 0.6) < 0.05, "\(covariance)")
    // With base 0 and noise 1 the layer routes exactly the evolved noise.
    #expect(hidden == noise)
  }

  /// Cross-layer evolution makes consecutive layers route less alike than one hidden state for
  /// all layers does; measured by the cross-layer same-device rate under a placement.
  @Test func persistenceMovesCrossLayerAffinity() throws {
    let placed = SimulationTests.small + [
      "cluster.layout={dp: 4, ep: 4}", "cluster.placement={}", "workload.noise=2",
      "workload.domain_offset_scale=0", "router.bias_spread=0",
    ]
    let same = try SimulationTests().collect(try TestSupport.quickstart(placed)).1
    let fresh = try SimulationTests().collect(
      try TestSupport.quickstart(placed + ["workload.layer_persistence=0"])
    ).1
    let sameRate = try #require(same.crossLayer.sameDeviceRate)
    let freshRate = try #require(fresh.crossLayer.sameDeviceRate)
    // Independent W per layer: even one hidden state gives ≈ 1/4 by index, but shared h ties
    // the layers' choices together; fresh noise (variance 4 of 5) drives it back toward 1/4.
    #expect(abs(freshRate - 0.25) < 0.03, "\(freshRate)")
    #expect(sameRate != freshRate)
  }

  /// Every new knob at once: byte-identical results for 1, 2 and 3 threads.
  @Test func localityIsThreadInvariant() throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + [
        "workload.context_scale=0.7", "workload.layer_persistence=0.5",
        "router.warmup_steps=2", "router.bias_update_rate=0.01",
        "cluster.layout={dp: 4, ep: 4}", "cluster.placement={}",
      ])
    let one = try SimulationTests().collect(scenario, threads: 1).0
    for threads in [2, 3] {
      #expect(try SimulationTests().collect(scenario, threads: threads).0 == one)
    }
  }

  /// Off by default: a scenario that sets the knobs to their defaults routes exactly as one that
  /// does not name them.
  @Test func defaultsChangeNothing() throws {
    let plain = try SimulationTests().collect(try TestSupport.quickstart(SimulationTests.small)).0
    let named = try SimulationTests().collect(
      try TestSupport.quickstart(
        SimulationTests.small + [
          "workload.context_scale=0", "workload.layer_persistence=1", "router.warmup_steps=0",
          "workload.context_ramp_layers=0",
        ])
    ).0
    #expect(named == plain)
  }

  /// Warm-up moves only the balancing biases: without a controller the measured steps are
  /// those of a run without warm-up; with the aux-loss-free controller they balance better.
  @Test func warmupTrainsTheBiasOnly() throws {
    let plain = try SimulationTests().collect(try TestSupport.quickstart(SimulationTests.small))
    let warmedUntrained = try SimulationTests().collect(
      try TestSupport.quickstart(SimulationTests.small + ["router.warmup_steps=3"]))
    #expect(warmedUntrained.0 == plain.0)
    // Popularity skew alone (no domain offsets, whose mix changes from batch to batch), which a
    // converged bias removes.
    let controller = SimulationTests.small + [
      "router.bias_update_rate=0.05", "workload.domain_offset_scale=0", "router.bias_spread=1",
      "model.layers=3",
    ]
    let cold = try SimulationTests().collect(try TestSupport.quickstart(controller)).1
    let warm = try SimulationTests().collect(
      try TestSupport.quickstart(controller + ["router.warmup_steps=40"])
    ).1
    #expect(warm.meanMaxOverMean < cold.meanMaxOverMean - 0.3, "\(warm.meanMaxOverMean) \(cold.meanMaxOverMean)")
  }

  /// With the context ramping in over R MoE layers, the first MoE layer routes without it: its
  /// consecutive-token repeat rate is that of a run without context, while the layers from R on
  /// keep the full context's rate. Without context, a ramp changes nothing. Either way the
  /// result does not depend on the thread count.
  @Test func theContextRampsInOverDepth() throws {
    let context = SimulationTests.small + [
      "workload.context_scale=1.5", "workload.context_correlation=0.95", "router.bias_spread=0",
      "workload.domain_offset_scale=0",
    ]
    func rates(_ overrides: [String], threads: Int = 2) throws -> [Double] {
      let rows = try SimulationTests().collect(
        try TestSupport.quickstart(context + overrides), threads: threads
      ).0
      let layers = Set(rows.map(\.layer)).sorted()
      return layers.map { layer in
        var pooled = RoutingLocality()
        for row in rows where row.layer == layer { pooled.add(row.locality) }
        return pooled.firstChoiceRepeatRate ?? 0
      }
    }
    let full = try rates([])
    let ramped = try rates(["workload.context_ramp_layers=2"])
    let none = try rates(["workload.context_scale=0"])
    // Layer ordinal 0 routes what a run without context routes there (the same hidden states,
    // summed in another order, so equal to rounding).
    #expect(abs(ramped[0] - none[0]) < 0.005, "\(ramped[0]) \(none[0])")
    #expect(full[0] > none[0] + 0.1, "\(full[0]) \(none[0])")
    // From ordinal R = 2 on, the whole context: the hidden states of the run without a ramp.
    for ordinal in 2..<full.count {
      #expect(abs(ramped[ordinal] - full[ordinal]) < 0.005, "\(ordinal)")
    }
    // Ordinal 1 routes half of it: between the two.
    #expect(ramped[1] > none[1] && ramped[1] < full[1], "\(ramped[1])")
    #expect(try rates(["workload.context_ramp_layers=2"], threads: 1) == ramped)
    let plain = try SimulationTests().collect(try TestSupport.quickstart(SimulationTests.small)).0
    let rampedWithoutContext = try SimulationTests().collect(
      try TestSupport.quickstart(SimulationTests.small + ["workload.context_ramp_layers=3"])
    ).0
    #expect(rampedWithoutContext == plain)
  }

  @Test func sequencesPerStepSetsTheSequenceLength() throws {
    let text = BuiltinScenarios.quickstart.replacingOccurrences(
      of: "sequence_length: 128,", with: "sequences_per_step: 3,")
    let scenario = try Scenario.parse(
      Data(text.utf8), file: "s.json5",
      overrides: [try ScenarioOverride(parsing: "workload.tokens_per_step=1000")])
    // ⌈1000 / 3⌉ = 334 tokens per sequence: 334 + 334 + 332.
    #expect(scenario.workload.sequenceLength == 334)
    // Both keys at once: refused, naming the key.
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["workload.sequences_per_step=3"])
    }
  }
}
