import Foundation

/// The dense model an MoE scenario is compared with: the same scenario (attention, embeddings,
/// norms, layers, precision, cluster, workload) with every FFN dense and one FFN width chosen so
/// that one quantity matches the MoE's.
public enum DenseCounterpart {
  /// What the dense model matches.
  public enum Match: String, Sendable, CaseIterable {
    /// Forward matmul FLOPs per token: dense width = top_k × expert width + shared-expert width
    /// on every MoE layer (averaged with the dense layers' width when some layers are dense).
    case active
    /// Stored parameters.
    case total
    /// Memory on the fullest device of the scenario's layout.
    case memory
  }

  /// The dense scenario for `scenario` matching `match`, and its FFN width.
  ///
  /// The width is the integer whose matched quantity is closest to the MoE's (the smaller on a
  /// tie), then rounded to the nearest multiple of `multipleOf`. For `.active` the matmul FLOPs
  /// of an FFN are linear in its width, so without rounding the dense model has exactly the
  /// MoE's active FFN FLOPs whenever `layers × width` can equal the MoE's summed active widths;
  /// the router's `2·h·E` FLOPs per MoE layer have no dense counterpart and are not matched.
  /// The layout keeps `tp`, `dp` and `pp` (so the same device count) with `ep = expert_tp = 1`.
  public static func derive(from scenario: Scenario, match: Match, multipleOf: Int = 1)
    -> (scenario: Scenario, ffnWidth: Int)
  {
    let target = measure(scenario, match)
    let dense = { (width: Int) -> Scenario in
      var candidate = scenario
      candidate.name = scenario.name + "-dense-" + match.rawValue
      candidate.model.moe = nil
      candidate.model.ffn.intermediateSize = width
      candidate.cluster.layout.ep = 1
      candidate.cluster.layout.expertTP = 1
      return candidate
    }
    // Every matched quantity grows with the width: binary search for the crossing.
    var low = 1
    var high = 1
    while measure(dense(high), match) < target && high < ScenarioLimits.modelDimension {
      high = min(high * 2, ScenarioLimits.modelDimension)
    }
    while low < high {
      let middle = low + (high - low) / 2
      if measure(dense(middle), match) < target { low = middle + 1 } else { high = middle }
    }
    var width = low
    if width > 1,
      abs(measure(dense(width - 1), match) - target) <= abs(measure(dense(width), match) - target)
    {
      width -= 1
    }
    let step = max(1, multipleOf)
    width = max(step, Int((Double(width) / Double(step)).rounded()) * step)
    return (dense(width), width)
  }

  /// The quantity `match` compares, for `scenario`.
  static func measure(_ scenario: Scenario, _ match: Match) -> Double {
    switch match {
    case .active:
      return ComputeCost(model: scenario.model, context: scenario.memory.context)
        .forwardMatmulFLOPsPerToken
    case .total:
      return ParameterCount(model: scenario.model).total
    case .memory:
      return DeviceMemory(scenario: scenario).worst.totalBytes
    }
  }
}
