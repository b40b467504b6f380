import Foundation

/// A router trained with the Switch auxiliary loss: during warm-up, every step moves each MoE
/// layer's router weights by one gradient step on `α · L_aux`, with
/// `L_aux = E · Σ_i f_i · P_i` (Fedus et al. 2022, eq. 4; `BalancingLoss.switchAuxiliary`),
/// `P_i = (1/T) Σ_t p_ti` the mean router probability and `f_i` the fraction of assignments routed
/// to expert i, which top-k makes piecewise constant (no gradient).
///
/// With the logits `l_t = h_t · W + b` of token t, the gradient with respect to the logits is
/// - softmax scores `p_t = softmax(l_t)`: `∂L/∂l_ti = (E/T) · p_ti · (f_i − Σ_j f_j p_tj)`;
/// - sigmoid scores normalised to affinities, `p_ti = σ(l_ti) / Σ_j σ(l_tj)` (what the aux
///   losses of sigmoid routers average, DeepSeek-V3 eq. 20): since
///   `∂p_tj/∂l_ti = p_ti (1 − σ(l_ti)) (δ_ij − p_tj)`,
///   `∂L/∂l_ti = (E/T) · p_ti · (1 − σ(l_ti)) · (f_i − Σ_j f_j p_tj)`;
/// and by the chain rule `∂L/∂W_di = Σ_t h_td · ∂L/∂l_ti`. The update is
/// `W ← W − α · ∂L/∂W`, α (`router.aux_loss_coeff`) being the product of the aux-loss
/// coefficient and the learning rate of training.
///
/// `f` is not known until the whole step is routed, so each step's gradient uses the previous
/// step's fractions: each block then adds its part while it routes, and the first warm-up step
/// only measures f. Block sums are added in exact fixed point, so any thread count gives the
/// same weights.
enum AuxLossTraining {
  /// Fixed-point scale of the gradient sums (2⁴⁰): a resolution of 1e-12 on sums of order
  /// E/T · |h|.
  static let fixedScale = 1_099_511_627_776.0

  /// Adds one block's `∂L/∂W` (`dim × experts`) to `gradient` in fixed point.
  /// - Parameters:
  ///   - hidden: the block's `tokens × dim` hidden states, row-major.
  ///   - logits: the block's logits, `tokens` rows of stride `stride`, as the kernel wrote them.
  ///   - sigmoid: sigmoid scores (`sigmoid_topk`); softmax otherwise.
  ///   - fractions: `experts` fractions `f_i` of the previous step, summing to 1.
  ///   - tokensPerStep: T, the step's tokens.
  ///   - scratch: `experts + dim × experts` doubles.
  static func accumulate(
    hidden: UnsafePointer<Float>, logits: UnsafePointer<Float>, stride: Int, tokens: Int,
    dim: Int, experts: Int, sigmoid: Bool, fractions: UnsafePointer<Double>, tokensPerStep: Int,
    scratch: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Int64>
  ) {
    let logitGradient = scratch
    let blockGradient = scratch + experts
    blockGradient.update(repeating: 0, count: dim * experts)
    let scale = Double(experts) / Double(tokensPerStep)
    for token in 0..<tokens {
      let row = logits + token * stride
      scores(row, experts: experts, sigmoid: sigmoid, into: logitGradient)
      // logitGradient holds p_ti; then (E/T) p_ti c_ti (f_i − Σ_j f_j p_tj).
      var expectedFraction = 0.0
      for expert in 0..<experts { expectedFraction += fractions[expert] * logitGradient[expert] }
      for expert in 0..<experts {
        let damping = sigmoid ? 1 - Double(SigmoidTopK.sigmoid(row[expert])) : 1
        logitGradient[expert] =
          scale * logitGradient[expert] * damping * (fractions[expert] - expectedFraction)
      }
      let state = hidden + token * dim
      for j in 0..<dim {
        let value = Double(state[j])
        let destination = blockGradient + j * experts
        for expert in 0..<experts { destination[expert] += value * logitGradient[expert] }
      }
    }
    for index in 0..<dim * experts {
      let fixed = (blockGradient[index] * fixedScale).rounded()
      gradient[index] += Int64(max(-9.0e18, min(9.0e18, fixed.isNaN ? 0 : fixed)))
    }
  }

  /// The router probabilities of one row of logits: softmax, or sigmoids normalised to sum 1.
  static func scores(
    _ row: UnsafePointer<Float>, experts: Int, sigmoid: Bool,
    into probabilities: UnsafeMutablePointer<Double>
  ) {
    var total = 0.0
    if sigmoid {
      for expert in 0..<experts {
        probabilities[expert] = Double(SigmoidTopK.sigmoid(row[expert]))
        total += probabilities[expert]
      }
    } else {
      var maximum = -Double.infinity
      for expert in 0..<experts { maximum = max(maximum, Double(row[expert])) }
      for expert in 0..<experts {
        probabilities[expert] = Foundation.exp(Double(row[expert]) - maximum)
        total += probabilities[expert]
      }
    }
    let inverse = total > 0 ? 1 / total : 0
    for expert in 0..<experts { probabilities[expert] *= inverse }
  }

  /// One gradient step on a layer's weights (`dim` rows of stride `stride`) from the summed
  /// fixed-point gradients of `parts` workers (each `dim × experts`, `partStride` apart).
  static func step(
    weights: UnsafeMutablePointer<Float>, stride: Int, dim: Int, experts: Int,
    gradients: UnsafePointer<Int64>, parts: Int, partStride: Int, coefficient: Double
  ) {
    for j in 0..<dim {
      for expert in 0..<experts {
        var sum: Int64 = 0
        for part in 0..<parts {
          sum = sum &+ gradients[part * partStride + j * experts + expert]
        }
        let gradient = Double(sum) / fixedScale
        weights[j * stride + expert] -= Float(coefficient * gradient)
      }
    }
  }

  /// The fractions `f_i = routed_i / Σ_j routed_j` of a layer's step (uniform when nothing was
  /// routed), for the next step's gradient.
  static func recordFractions(
    routed: UnsafePointer<Int32>, experts: Int, into fractions: UnsafeMutablePointer<Double>
  ) {
    var total = 0
    for expert in 0..<experts { total += Int(routed[expert]) }
    for expert in 0..<experts {
      fractions[expert] = total > 0 ? Double(routed[expert]) / Double(total) : 1 / Double(experts)
    }
  }
}
