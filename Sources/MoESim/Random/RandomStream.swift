/// What a random stream is used for; part of every stream's key, so streams never overlap.
public enum RandomPurpose: UInt64, Sendable {
  case tokenEmbeddings = 1
  case domainOffsets = 2
  case domainVocabularyOrder = 3
  case routerWeights = 4
  case routerBias = 5
  case sequenceDomains = 6
  case tokens = 7
  /// Each sequence's context state (temporal locality).
  case sequenceContext = 8
  /// The fresh part of each token's noise at each MoE layer after the first.
  case layerNoise = 9
  /// Gaussian noise on router logits (`noisy_topk`).
  case routerNoise = 101
  /// GShard's random keep-or-skip of the second expert.
  case gshardSecondExpert = 102
}

/// Derives an independent generator for each (seed, purpose, index…) key, so that any block of
/// work can draw its own numbers in any order, on any thread, with identical results.
public enum RandomStream {
  /// A generator for `(seed, purpose, indices…)`, e.g. `(seed, .tokens, step, block)`.
  public static func make(seed: UInt64, _ purpose: RandomPurpose, _ indices: Int...)
    -> Xoshiro256StarStar
  {
    var key = SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C908)
    key = SplitMix64.mix(key ^ purpose.rawValue)
    for index in indices {
      key = SplitMix64.mix(key &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
    }
    return Xoshiro256StarStar(seed: key)
  }
}
