import Testing

@testable import MoESim

/// `Scenarios/calibration/mixtral-8x7b-pile.json5` against Jiang et al. 2024 (*Mixtral of
/// Experts*, arXiv:2401.04088, §5, Table 5), within the calibration tolerance of ±3 percentage
/// points for repeat rates. One step of the scenario (4096 tokens × 32 MoE layers).
@Suite struct MixtralPileCalibrationTests {
  static let tolerance = 0.03

  /// Each MoE layer's consecutive-token figures over the run both tests read, made once.
  static let run = Result {
    let rows = try SimulationTests().collect(
      try TestSupport.scenario("calibration/mixtral-8x7b-pile.json5", "workload.steps=1")
    ).0
    var byLayer = [RoutingLocality](repeating: RoutingLocality(), count: 32)
    for row in rows { byLayer[row.layer].add(row.locality) }
    return byLayer
  }

  func layers() throws -> [RoutingLocality] { try Self.run.get() }

  func firstChoice(_ layer: Int) throws -> Double {
    try #require(try layers()[layer].firstChoiceRepeatRate)
  }

  func firstOrSecond(_ layer: Int) throws -> Double {
    try #require(try layers()[layer].sharedChoiceRate)
  }

  /// `rate` lies within the tolerance of the measured range `low … high`.
  func isNear(_ rate: Double, _ low: Double, _ high: Double) -> Bool {
    rate >= low - Self.tolerance && rate <= high + Self.tolerance
  }

  /// The fitted statistic: the mean over MoE layers 1–31 of the first-choice repeat rate is
  /// the mean of the eight Pile subsets' layer-15 and layer-31 rates, (26.4 + 22.7) / 2 =
  /// 24.5 % (Table 5), which a fit on 2 steps of seed 1 must still give on step 0 alone; random
  /// routing would give 1/8 = 12.5 %.
  @Test func deepFirstChoiceRepeatMatchesTheMeasuredDeepLayers() throws {
    let rates = try (1..<32).map(firstChoice)
    let mean = rates.reduce(0, +) / Double(rates.count)
    #expect(abs(mean - 0.245) <= Self.tolerance, "\(mean)")
  }

  /// Not fitted: layer 0 routes without the context (`context_ramp_layers` = 1), which must
  /// bring its repeat rates to Table 5's layer-0 ranges: first choice 13.6–14.9 %, first or
  /// second 44.9–49.9 % (random 12.5 % and 46 %). The deep layers' first choice must fall in
  /// layer 15's and 31's ranges (23.6–28.4 %, 19.7–26.3 %), layer 15's first or second in
  /// 61.6–67.0 %, each within ±3 pp.
  @Test func theDepthProfileCarriesOver() throws {
    let first = (l0: try firstChoice(0), l15: try firstChoice(15), l31: try firstChoice(31))
    let shared = (l0: try firstOrSecond(0), l15: try firstOrSecond(15))
    #expect(isNear(first.l0, 0.136, 0.149), "\(first.l0)")
    #expect(isNear(shared.l0, 0.449, 0.499), "\(shared.l0)")
    #expect(isNear(first.l15, 0.236, 0.284), "\(first.l15)")
    #expect(isNear(first.l31, 0.197, 0.263), "\(first.l31)")
    #expect(isNear(shared.l15, 0.616, 0.670), "\(shared.l15)")
    // The depth profile is the context's: layer 0 sits far below the deep layers.
    #expect(first.l0 < first.l15 - 2 * Self.tolerance)
  }

  /// The known miss, stated so that a change to the token model that fixed (or worsened) it is
  /// noticed: layer 31's first or second choice is measured 44.5–53.6 % and simulated above it.
  @Test func layer31FirstOrSecondIsAKnownMiss() throws {
    let rate = try firstOrSecond(31)
    #expect(rate > 0.536 + Self.tolerance, "\(rate)")
  }
}
