extension BalancingLoss {
  /// Sequence-level auxiliary loss (DeepSeek-V3 technical report, §2.1.2, eq. 17–20; Megatron-Core
  /// `sequence_load_balancing_loss_func`): the Switch loss `E · Σ_i f_i · P_i` computed inside
  /// each sequence (f over the sequence's assignments, P over its tokens' scores), averaged over
  /// the step's sequences. The coefficient α of training is not applied.
  /// - Parameters:
  ///   - selected: `tokens × slots` experts (-1 = empty slot).
  ///   - scores: `tokens × experts` router distributions.
  ///   - counts: `experts` scratch.
  static func sequenceAuxiliary(
    selected: UnsafePointer<Int32>, slots: Int, scores: UnsafePointer<Float>, tokens: Int,
    experts: Int, sequenceLength: Int, counts: UnsafeMutablePointer<Double>
  ) -> Double {
    var total = 0.0
    var sequences = 0
    var first = 0
    while first < tokens {
      let length = min(sequenceLength, tokens - first)
      counts.update(repeating: 0, count: experts)
      var assignments = 0.0
      for index in first * slots..<(first + length) * slots where selected[index] >= 0 {
        counts[Int(selected[index])] += 1
        assignments += 1
      }
      var loss = 0.0
      if assignments > 0 {
        for expert in 0..<experts where counts[expert] > 0 {
          var probability = 0.0
          for token in first..<first + length {
            probability += Double(scores[token * experts + expert])
          }
          loss += counts[expert] / assignments * probability / Double(length)
        }
      }
      total += Double(experts) * loss
      sequences += 1
      first += length
    }
    return total / Double(sequences)
  }

  /// Gradient of the Switch auxiliary loss `L = E · Σ_j f_j · P_j` with respect to a per-expert
  /// bias `b_i` added to the softmax logits, holding the (non-differentiable) fractions f fixed:
  /// with `∂p_tj/∂b_i = p_tj (δ_ij − p_ti)`,
  /// `∂L/∂b_i = E · (f_i · P_i − (1/T) Σ_t p_ti · Σ_j f_j p_tj)`. The components sum to 0.
  /// - Parameters:
  ///   - fractions: `f_j`, summing to 1.
  ///   - scores: `tokens × experts` softmax rows.
  ///   - gradient: `experts` output.
  static func switchAuxiliaryGradient(
    fractions: UnsafePointer<Double>, scores: UnsafePointer<Float>, tokens: Int, experts: Int,
    gradient: UnsafeMutablePointer<Double>
  ) {
    gradient.update(repeating: 0, count: experts)
    for token in 0..<tokens {
      let row = scores + token * experts
      var expectedFraction = 0.0
      for expert in 0..<experts { expectedFraction += fractions[expert] * Double(row[expert]) }
      for expert in 0..<experts {
        gradient[expert] += Double(row[expert]) * (fractions[expert] - expectedFraction)
      }
    }
    let scale = Double(experts) / Double(tokens)
    for expert in 0..<experts { gradient[expert] *= scale }
  }
}
