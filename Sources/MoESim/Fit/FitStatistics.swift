/// The routing statistics a fit matches, per MoE layer and pooled over layers, measured by
/// running a scenario (synthetic, or `workload.kind = "trace"` replaying the recorded routing)
/// through `Simulation`, so a trace and a candidate scenario are measured by the same code:
/// per-step loads (`LoadStatistics`), consecutive-token locality (`RoutingLocality`), and
/// cross-layer affinity (`CrossLayerAffinity`). Every figure is before capacity.
public struct FitStatistics: Sendable, Equatable {
  /// One MoE layer's figures.
  public struct Layer: Sendable, Equatable {
    /// Transformer-block index.
    public var layer: Int
    /// CV of the per-expert loads summed over the whole run: persistent popularity, which
    /// batch-to-batch variation averages out of.
    public var runLoadCV: Double
    /// Mean over steps of the per-step load CV: popularity plus batch structure (domains,
    /// sequences) plus sampling noise.
    public var stepLoadCV: Double
    /// Mean over steps of the per-step max/mean load.
    public var stepMaxOverMean: Double
    /// Share of consecutive tokens of a sequence with the same first choice; nil without pairs.
    public var top1RepeatRate: Double?
    /// Mean share of a token's k choices the previous token of its sequence also chose.
    public var topKOverlap: Double?
    /// Affinity to the next MoE layer (`CrossLayerAffinity.rate`); nil for the last layer.
    public var crossLayerAffinity: Double?
  }

  public var layers: [Layer]
  /// Assignments routed over the run at the MoE layer that has fewest.
  public var assignmentsPerLayer: Int
  /// Consecutive-token pairs per MoE layer over the run.
  public var pairsPerLayer: Int

  /// Mean of `value` over the layers that have it; nil when none does.
  public func mean(_ value: (Layer) -> Double?) -> Double? {
    let values = layers.compactMap(value)
    return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// Runs `scenario` and measures it.
  public static func measure(_ scenario: Scenario, threads: Int) throws -> FitStatistics {
    let moeLayers = scenario.model.moeLayerIndices
    let experts = scenario.model.moe?.experts ?? 0
    var stepCV = [Double](repeating: 0, count: moeLayers.count)
    var stepMax = [Double](repeating: 0, count: moeLayers.count)
    var locality = [RoutingLocality](repeating: RoutingLocality(), count: moeLayers.count)
    var steps = 0
    var affinity = CrossLayerAffinity(layers: moeLayers.count, experts: experts)
    let totals = try Simulation(scenario: scenario).run(
      threads: threads,
      onRouting: { routed in
        guard let ordinal = moeLayers.firstIndex(of: routed.layer) else { return }
        affinity.add(routed, ordinal: ordinal)
      },
      onStep: { _, metrics in
        steps += 1
        for (ordinal, layer) in metrics.enumerated() where ordinal < moeLayers.count {
          stepCV[ordinal] += layer.load.coefficientOfVariation
          stepMax[ordinal] += layer.load.maxOverMean
          locality[ordinal].add(layer.locality)
        }
      })
    var layers: [Layer] = []
    var assignments = Int.max
    for (ordinal, block) in moeLayers.enumerated() {
      let base = ordinal * experts
      let routed = (0..<experts).map {
        Int32(clamping: totals.keptPerExpert[base + $0] + totals.droppedPerExpert[base + $0])
      }
      assignments = min(assignments, routed.reduce(0) { $0 + Int($1) })
      let count = Double(max(1, steps))
      layers.append(
        Layer(
          layer: block, runLoadCV: LoadStatistics(routed).coefficientOfVariation,
          stepLoadCV: stepCV[ordinal] / count, stepMaxOverMean: stepMax[ordinal] / count,
          top1RepeatRate: locality[ordinal].firstChoiceRepeatRate,
          topKOverlap: locality[ordinal].topKOverlap,
          crossLayerAffinity: affinity.rate(ordinal: ordinal)))
    }
    return FitStatistics(
      layers: layers, assignmentsPerLayer: layers.isEmpty ? 0 : assignments,
      pairsPerLayer: locality.map(\.consecutivePairs).min() ?? 0)
  }
}
