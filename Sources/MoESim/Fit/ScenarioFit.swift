import Foundation

/// Fits the knobs of the synthetic token model to a recorded routing trace by simulated moment
/// matching: the trace is replayed (`workload.kind = "trace"`) and measured (`FitStatistics`),
/// then each knob in turn is searched (`FitSearch`) so that a simulation of the candidate
/// scenario, of the trace's shape and with the base scenario's seed, gives the trace's value of
/// the knob's statistic (`FitKnob`); the cycle over the knobs repeats `rounds` times, since each
/// statistic also moves a little with the other knobs. Deterministic: the same trace, base and
/// options give the same scenario.
public struct ScenarioFit: Sendable {
  /// The trace as given (for the report and the scenario header).
  public var tracePath: String
  /// What the trace fixes and the fit keeps: model, router kind, shape, and every knob not
  /// fitted.
  public var base: Scenario
  public var knobs: [FitKnob] = FitKnob.defaults
  public var rounds = 2
  public var threads = 1
  /// Fit `router.bias_spread` per MoE layer (`router.bias_spread_by_layer`), each layer to its
  /// own run-total load CV, instead of one spread to their mean.
  public var perLayerSkew = false
  /// Bisection steps of the per-layer fit: the bracket 0…4 narrows to 4 / 2¹⁰ ≈ 0.004.
  static let perLayerIterations = 10

  /// Assignments per expert of a MoE layer a trace must hold at least, on average: below it the
  /// per-expert loads are mostly sampling noise (a Poisson count of 64 has a CV of 1/8).
  public static let minimumAssignmentsPerExpert = 64

  public init(tracePath: String, base: Scenario) {
    self.tracePath = tracePath
    self.base = base
  }

  /// One knob's outcome.
  public struct KnobFit: Sendable, Equatable {
    public var knob: FitKnob
    /// The fitted value, or the base's when not fitted.
    public var value: Double
    /// Why the knob was kept at the base's value; nil when fitted.
    public var keptBecause: String?
    /// The trace's value could not be reached inside the knob's range.
    public var atBound: Bool
    /// Simulations run for this knob over all rounds.
    public var evaluations: Int
  }

  /// The fitted scenario with what it was fitted to.
  public struct Result: Sendable {
    public var scenario: Scenario
    public var knobs: [KnobFit]
    public var trace: FitStatistics
    /// The statistics of `scenario`, measured as the trace's were.
    public var fitted: FitStatistics
  }

  /// The trace replayed through `base`'s model and router, measured.
  public func measureTrace() throws -> FitStatistics {
    var replay = base
    replay.workload.kind = .trace
    replay.workload.trace = tracePath
    let statistics = try FitStatistics.measure(replay, threads: threads)
    let experts = base.model.moe?.experts ?? 1
    let needed = Self.minimumAssignmentsPerExpert * experts
    guard statistics.assignmentsPerLayer >= needed else {
      throw TraceError(
        file: tracePath, line: nil,
        message: "too short to fit: \(statistics.assignmentsPerLayer) assignments per MoE layer; "
          + "a fit needs at least \(Self.minimumAssignmentsPerExpert) per expert "
          + "(\(Self.minimumAssignmentsPerExpert) × \(experts) experts = \(needed))")
    }
    return statistics
  }

  /// Runs the fit.
  public func fit() throws -> Result {
    let trace = try measureTrace()
    var scenario = base
    scenario.workload.kind = .synthetic
    scenario.workload.trace = nil
    var outcomes = knobs.map {
      KnobFit(
        knob: $0, value: $0.value(in: base),
        keptBecause: $0.unidentifiable(trace: trace, base: base), atBound: false, evaluations: 0)
    }
    for _ in 0..<max(1, rounds) {
      for index in outcomes.indices where outcomes[index].keptBecause == nil {
        let knob = outcomes[index].knob
        if knob == .biasSpread && perLayerSkew {
          let byLayer = try fitSpreadByLayer(scenario, trace: trace)
          scenario.router.biasSpreadByLayer = byLayer.spreads
          let mean = byLayer.spreads.reduce(0, +) / Double(max(1, byLayer.spreads.count))
          scenario.router.biasSpread = (mean * 10_000).rounded() / 10_000
          outcomes[index].value = scenario.router.biasSpread
          outcomes[index].atBound = byLayer.atBound
          outcomes[index].evaluations += byLayer.evaluations
          continue
        }
        guard let target = knob.statistic(of: trace) else { continue }
        let search = FitSearch(range: knob.range, target: target, tolerance: knob.tolerance)
        let current = scenario
        let outcome = try search.solve { value in
          let statistics = try FitStatistics.measure(
            knob.setting(value, in: current), threads: threads)
          // Present whenever the trace has it: same model and shape.
          return knob.statistic(of: statistics) ?? 0
        }
        // Four decimals: what the scenario file shows is what was measured.
        let value = (outcome.value * 10_000).rounded() / 10_000
        scenario = knob.setting(value, in: scenario)
        outcomes[index].value = value
        outcomes[index].atBound = outcome.atBound
        outcomes[index].evaluations += outcome.evaluations
      }
    }
    let fitted = try FitStatistics.measure(scenario, threads: threads)
    return Result(scenario: scenario, knobs: outcomes, trace: trace, fitted: fitted)
  }

  /// Per MoE layer, the bias spread whose run-total load CV is the trace layer's. A layer's CV
  /// moves with its own bias alone (the hidden states do not depend on routing, and each layer's
  /// weights and bias have their own random streams), so every layer's bracket is bisected at
  /// once, one simulation per step. `atBound`: some layer's target lies outside the range.
  func fitSpreadByLayer(_ scenario: Scenario, trace: FitStatistics) throws -> (
    spreads: [Double], evaluations: Int, atBound: Bool
  ) {
    let range = FitKnob.biasSpread.range
    let targets = trace.layers.map(\.runLoadCV)
    var low = [Double](repeating: range.lowerBound, count: targets.count)
    var high = [Double](repeating: range.upperBound, count: targets.count)
    for _ in 0..<Self.perLayerIterations {
      var candidate = scenario
      candidate.router.biasSpreadByLayer = zip(low, high).map { ($0 + $1) / 2 }
      let statistics = try FitStatistics.measure(candidate, threads: threads)
      for (layer, measured) in statistics.layers.enumerated() where layer < targets.count {
        let middle = (low[layer] + high[layer]) / 2
        if measured.runLoadCV < targets[layer] { low[layer] = middle } else { high[layer] = middle }
      }
    }
    let width = (range.upperBound - range.lowerBound) / Double(1 << Self.perLayerIterations)
    let spreads = zip(low, high).map { (($0 + $1) / 2 * 10_000).rounded() / 10_000 }
    let atBound = spreads.contains {
      $0 < range.lowerBound + width || $0 > range.upperBound - width
    }
    return (spreads, Self.perLayerIterations, atBound)
  }
}
