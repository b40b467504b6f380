/// Per-block sums a router reports beside its selections; the simulation adds them up across
/// blocks in block order, so totals do not depend on the thread count.
struct RouterBlockSums {
  /// Σ over tokens of logsumexp(logits)², for the z-loss.
  var squaredLogSumExp: Double = 0
  /// Σ over tokens of the router's full-distribution entropy, in nats.
  var entropy: Double = 0
}

/// A router kind: turns a block of router logits into each token's selected experts and gates.
///
/// Members are value types dispatched once per run through generics (`some Router`), so the
/// per-token loop is specialised and inlined.
protocol Router: Sendable {
  /// Experts selected per token (`k`).
  var topK: Int { get }

  /// Routes `tokens` rows of `logits` (row stride `stride`, the first `experts` entries valid).
  ///
  /// - Parameters:
  ///   - selected: `tokens × topK` expert indices, best first.
  ///   - gates: `tokens × topK` combine weights, matching `selected`.
  ///   - probabilitySums: `experts` running sums of each expert's router probability over
  ///     the block's tokens (the `P_i` of the auxiliary loss, before dividing by tokens).
  ///   - sums: the block's z-loss and entropy sums.
  func route(
    logits: UnsafeMutablePointer<Float>, stride: Int, tokens: Int, experts: Int,
    selected: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>,
    probabilitySums: UnsafeMutablePointer<Float>, sums: inout RouterBlockSums)
}
