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
}
