import MoESimKernels

/// Expert-choice routing (Zhou et al. 2022, *Mixture-of-Experts with Expert Choice Routing*,
/// §3.1, eq. 1): `S = softmax(X · W)` over experts for every token of the step, then each expert
/// takes the `C` tokens with the highest score in its column, `G, I = TopK(Sᵀ, C)`, with
/// `C = ceil(T · c / E)`. Here `c = k · capacity_factor` (the paper's capacity factor is the
/// mean number of experts per token; null capacity factor reads as 1), so `C` is the same
/// formula as token-choice capacity, clamped to `T`.
///
/// A token can be picked by 0 … E experts; every expert gets exactly `C` tokens, so nothing is
/// dropped and the load is perfectly even. The decision needs the whole step's scores, so it
/// runs per layer after every block is scored (`assign`), not per block.
struct ExpertChoice: Router {
  var slotsPerToken: Int { 0 }

  /// Scores the block: each row becomes its softmax.
  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    for token in 0..<block.tokens {
      block.rowScratch[token] = SoftmaxTopK.rowMaximum(
        block.logits + token * block.stride, block.experts)
    }
    kernels.softmax(
      block.logits, block.stride, block.tokens, block.experts, block.rowScratch,
      block.probabilitySums, &sums)
  }

  /// The tokens per expert: `ceil(T · k / E · capacity_factor)`, at most `T`.
  static func capacity(tokens: Int, topK: Int, experts: Int, factor: Double?) -> Int {
    min(
      tokens,
      Capacity.perExpert(tokens: tokens, topK: topK, experts: experts, factor: factor ?? 1)
        ?? tokens)
  }

  /// Reusable buffers for `assign`.
  struct Scratch {
    var keys: [UInt64]
    var chosen: [Int32]
    var expertsPerToken: [Int32]

    init(tokens: Int) {
      keys = [UInt64](repeating: 0, count: tokens)
      chosen = [Int32](repeating: 0, count: tokens)
      expertsPerToken = [Int32](repeating: 0, count: tokens)
    }
  }

  /// What one layer's expert choice did.
  struct Outcome: Equatable {
    var tokensWithoutExpert = 0
    var gateMass = 0.0
  }

  /// Each expert picks its `capacity` best tokens of the step; ties go to the earlier token.
  /// - Parameters:
  ///   - scores: `tokens × experts`, row-major (each token's softmax).
  ///   - picked: `experts × capacity` output, each expert's tokens in ascending token order.
  ///   - pickedGates: matching scores.
  static func assign(
    scores: UnsafePointer<Float>, tokens: Int, experts: Int, capacity: Int,
    scratch: inout Scratch, picked: UnsafeMutablePointer<Int32>,
    pickedGates: UnsafeMutablePointer<Float>
  ) -> Outcome {
    var outcome = Outcome()
    for token in 0..<tokens { scratch.expertsPerToken[token] = 0 }
    var keys: [UInt64] = []
    var chosen: [Int32] = []
    swap(&keys, &scratch.keys)
    swap(&chosen, &scratch.chosen)
    defer {
      swap(&keys, &scratch.keys)
      swap(&chosen, &scratch.chosen)
    }
    keys.withUnsafeMutableBufferPointer { keys in
      chosen.withUnsafeMutableBufferPointer { chosen in
        for expert in 0..<experts {
          // One integer key per token sorts by score, higher first, then by earlier token:
          // softmax scores are ≥ 0, whose bit patterns order as the values do.
          for token in 0..<tokens {
            let score = scores[token * experts + expert]
            keys[token] =
              UInt64((score == 0 ? 0 : score).bitPattern) << 32
              | UInt64(UInt32.max - UInt32(token))
          }
          var all = UnsafeMutableBufferPointer(rebasing: keys[0..<tokens])
          all.sort(by: >)
          for slot in 0..<capacity {
            chosen[slot] = Int32(UInt32.max - UInt32(truncatingIfNeeded: keys[slot]))
          }
          var picks = UnsafeMutableBufferPointer(rebasing: chosen[0..<capacity])
          picks.sort()
          for slot in 0..<capacity {
            let token = Int(picks[slot])
            let gate = scores[token * experts + expert]
            picked[expert * capacity + slot] = Int32(token)
            pickedGates[expert * capacity + slot] = gate
            outcome.gateMass += Double(gate)
            scratch.expertsPerToken[token] += 1
          }
        }
      }
    }
    outcome.tokensWithoutExpert = scratch.expertsPerToken.prefix(tokens).reduce(0) {
      $0 + ($1 == 0 ? 1 : 0)
    }
    return outcome
  }
}
