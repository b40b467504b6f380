/// Per-expert balancing biases that evolve between steps, one set per MoE layer.
///
/// - Aux-loss-free balancing (DeepSeek-V3 technical report, §2.1.2): a bias `b_i` added to the
///   scores for selection only, updated after each step by `b_i ← b_i + γ · sign(mean_load −
///   load_i)`, where `load_i` is the number of assignments routed to expert i in the step.
/// - First-order aux-loss correction: a bias `c_i` added to the logits (so it moves gates and
///   probabilities too), updated by one gradient step on the Switch auxiliary loss,
///   `c_i ← c_i − α · ∂L_aux/∂c_i`: what a router trained with aux coefficient α would do to
///   its bias, holding everything else fixed.
/// Both update between steps, from one layer's own counts, so runs stay deterministic.
enum BiasController {
  /// DeepSeek-V3's update of the selection bias from the step's routed load.
  static func updateAuxFree(
    bias: UnsafeMutablePointer<Float>, routed: UnsafePointer<Int32>, experts: Int, rate: Float
  ) {
    var total = 0
    for expert in 0..<experts { total += Int(routed[expert]) }
    let mean = Double(total) / Double(experts)
    for expert in 0..<experts {
      let load = Double(routed[expert])
      if load < mean {
        bias[expert] += rate
      } else if load > mean {
        bias[expert] -= rate
      }
    }
  }

  /// One gradient step of the auxiliary loss on the logit bias.
  /// - Parameters:
  ///   - gradient: `∂L_aux/∂c_i` (`BalancingLoss.switchAuxiliaryGradient`).
  ///   - correction: the accumulated `c_i`, updated.
  static func applyAuxGradient(
    correction: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Double>, experts: Int,
    coefficient: Double
  ) {
    for expert in 0..<experts {
      correction[expert] = Float(Double(correction[expert]) - coefficient * gradient[expert])
    }
  }
}

/// Minimum, maximum and population standard deviation of a layer's balancing bias.
public struct BiasSummary: Sendable, Equatable {
  public var minimum: Double = 0
  public var maximum: Double = 0
  public var standardDeviation: Double = 0

  public init() {}

  /// Summary of `values[0..<count]`, each the sum of the matching entries of `parts`.
  init(_ count: Int, _ parts: UnsafePointer<Float>...) {
    guard count > 0 else { return }
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var sum = 0.0
    var squares = 0.0
    for index in 0..<count {
      var value = 0.0
      for part in parts { value += Double(part[index]) }
      minimum = min(minimum, value)
      maximum = max(maximum, value)
      sum += value
      squares += value * value
    }
    let mean = sum / Double(count)
    self.minimum = minimum
    self.maximum = maximum
    standardDeviation = max(0, squares / Double(count) - mean * mean).squareRoot()
  }
}
