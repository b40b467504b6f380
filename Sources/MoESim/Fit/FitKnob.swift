/// A knob of the synthetic token model a fit estimates, the range it is searched over, and the
/// trace statistic it is matched to. Each statistic rises with its knob, which is what lets a
/// one-dimensional root search find the knob (`FitSearch`).
public enum FitKnob: String, Sendable, CaseIterable {
  /// Persistent per-expert popularity, matched to the CV of the run-total expert loads.
  case biasSpread = "router.bias_spread"
  /// How differently domains route, matched to the mean per-step load CV: batch-to-batch
  /// variation beyond popularity (a step holds few domains).
  case domainOffsetScale = "workload.domain_offset_scale"
  /// Temporal locality, matched to the top-1 repeat rate of consecutive tokens of a sequence.
  case contextScale = "workload.context_scale"
  /// Cross-layer affinity, matched to `CrossLayerAffinity.rate` between consecutive MoE layers.
  case layerPersistence = "workload.layer_persistence"

  /// The knobs fitted unless asked otherwise. `domain_offset_scale` is left out: in traces of a
  /// few steps its statistic moves with popularity and context nearly as much as with it
  /// (a round trip of 4 steps × 256 tokens recovered 0.23 for 0.5), so it is fitted only when
  /// asked for.
  public static let defaults: [FitKnob] = [.biasSpread, .contextScale, .layerPersistence]

  /// The scenario key, as `--set` and the scenario reference name it.
  public var key: String { rawValue }

  /// The searched range: the key's allowed range, capped where larger values change nothing the
  /// statistics can see (a spread of 4 already puts most tokens on a few experts).
  public var range: ClosedRange<Double> {
    switch self {
    case .biasSpread, .domainOffsetScale, .contextScale: return 0...4
    case .layerPersistence: return 0...1
    }
  }

  /// The statistic's name in reports and `fit.csv`.
  public var statistic: String {
    switch self {
    case .biasSpread: return "run_load_cv"
    case .domainOffsetScale: return "step_load_cv"
    case .contextScale: return "top1_repeat_rate"
    case .layerPersistence: return "cross_layer_affinity"
    }
  }

  /// The search stops once the simulated statistic is this close to the trace's: well inside
  /// the sampling error of the small traces a fit is meant for.
  var tolerance: Double {
    switch self {
    case .biasSpread, .domainOffsetScale: return 0.003
    case .contextScale: return 0.002
    case .layerPersistence: return 0.0005
    }
  }

  /// The matched statistic, pooled over MoE layers (the mean of the layers that have it).
  public func statistic(of statistics: FitStatistics) -> Double? {
    switch self {
    case .biasSpread: return statistics.mean { $0.runLoadCV }
    case .domainOffsetScale: return statistics.mean { $0.stepLoadCV }
    case .contextScale: return statistics.mean { $0.top1RepeatRate }
    case .layerPersistence: return statistics.mean { $0.crossLayerAffinity }
    }
  }

  /// The knob's value in `scenario`.
  public func value(in scenario: Scenario) -> Double {
    switch self {
    case .biasSpread: return scenario.router.biasSpread
    case .domainOffsetScale: return scenario.workload.domainOffsetScale
    case .contextScale: return scenario.workload.contextScale
    case .layerPersistence: return scenario.workload.layerPersistence
    }
  }

  /// `scenario` with the knob set to `value` (inside `range`, so still valid).
  public func setting(_ value: Double, in scenario: Scenario) -> Scenario {
    var scenario = scenario
    switch self {
    case .biasSpread: scenario.router.biasSpread = value
    case .domainOffsetScale: scenario.workload.domainOffsetScale = value
    case .contextScale: scenario.workload.contextScale = value
    case .layerPersistence: scenario.workload.layerPersistence = value
    }
    return scenario
  }

  /// Why the knob cannot be fitted to `trace` under `base`, or nil when it can.
  func unidentifiable(trace: FitStatistics, base: Scenario) -> String? {
    switch self {
    case .biasSpread: return nil
    case .domainOffsetScale:
      if base.workload.domains.count < 2 {
        return "one domain: its offset is popularity, which router.bias_spread fits"
      }
      if base.workload.steps < 4 {
        return "\(base.workload.steps) steps: step-to-step variation needs at least 4"
      }
      return nil
    case .contextScale:
      return statistic(of: trace) == nil
        ? "no consecutive tokens of one sequence (workload.sequence_length = "
          + "\(base.workload.sequenceLength))" : nil
    case .layerPersistence:
      if statistic(of: trace) == nil { return "fewer than two MoE layers" }
      if base.workload.noise == 0 { return "workload.noise = 0: no per-token noise to carry" }
      return nil
    }
  }
}
