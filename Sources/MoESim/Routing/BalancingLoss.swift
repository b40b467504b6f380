/// Load-balancing objectives reported per layer and step.
public enum BalancingLoss {
  /// Switch Transformer auxiliary loss (Fedus et al. 2022, eq. 4), generalised to top-k as in
  /// Megatron-Core's `switch_load_balancing_loss_func`: `E · Σ_i f_i · P_i`, where
  /// `f_i = routed_i / Σ_j routed_j` (= `routed_i / (T · k)` when no slot is empty) is the fraction of assignments routed to expert i (before capacity)
  /// and `P_i = Σ_t p_{t,i} / T` its mean router probability. Equals 1 at perfect balance
  /// (f_i = P_i = 1/E); the coefficient α that multiplies it in training is not applied.
  public static func switchAuxiliary(
    routed: some Collection<Int32>, probabilitySums: some Collection<Double>, tokens: Int
  ) -> Double {
    let experts = Double(routed.count)
    // T · k, less any empty slots (GShard's skipped second experts, recorded traces).
    let assignments = Double(routed.reduce(0) { $0 + Int($1) })
    guard assignments > 0 else { return 0 }
    var total = 0.0
    for (count, probabilitySum) in zip(routed, probabilitySums) {
      total += (Double(count) / assignments) * (probabilitySum / Double(tokens))
    }
    return experts * total
  }

  /// Router z-loss (Zoph et al. 2022, ST-MoE, eq. 5): `mean_t logsumexp(logits_t)²`, given the
  /// sum over tokens of the squared logsumexp.
  public static func zLoss(squaredLogSumExpSum: Double, tokens: Int) -> Double {
    squaredLogSumExpSum / Double(tokens)
  }
}
