import MoESimKernels

/// Per-block sums a router reports beside its selections; the simulation adds them up across
/// blocks in block order, so totals do not depend on the thread count.
typealias RouterBlockSums = SoftmaxKernel.BlockSums

/// Keys the random stream of a router that draws numbers (`noisy_topk`, `gshard_top2`): one
/// stream per (seed, purpose, step, MoE layer, block), so any block routes identically on any
/// thread.
struct RouterRandomKey {
  var seed: UInt64
  var step: Int
  /// Ordinal of the MoE layer (0 for the first MoE layer).
  var layer: Int
  var block: Int

  func stream(_ purpose: RandomPurpose) -> Xoshiro256StarStar {
    RandomStream.make(seed: seed, purpose, step, layer, block)
  }
}

/// A block of router logits and where a router writes its decisions.
struct RouterBlock {
  /// `tokens` rows of stride `stride`; the first `experts` entries of each row are valid.
  /// On return each row holds the token's router distribution over the experts (summing to 1),
  /// the scores the auxiliary losses average.
  var logits: UnsafeMutablePointer<Float>
  var stride: Int
  var tokens: Int
  var experts: Int
  /// `tokens × slotsPerToken` expert indices, best first; -1 marks an empty slot (a second
  /// expert GShard chose not to use, or a recorded token with fewer experts).
  var selected: UnsafeMutablePointer<Int32>
  /// `tokens × slotsPerToken` combine weights, matching `selected` (0 for empty slots).
  var gates: UnsafeMutablePointer<Float>
  /// `stride` running sums of each expert's router probability over the block's tokens (the
  /// `P_i` of the auxiliary loss, before dividing by tokens).
  var probabilitySums: UnsafeMutablePointer<Float>
  /// `tokens` floats of scratch (`max(tokens, 16 · 17)` for `routeTiles`).
  var rowScratch: UnsafeMutablePointer<Float>
  /// `2 × stride` floats of scratch for biased or group-limited selection.
  var scoreScratch: UnsafeMutablePointer<Float>
  /// The block's token ids (`tokens`).
  var tokenIds: UnsafePointer<Int32>
  /// Per-expert bias added to the scores for selection only (DeepSeek-V3's aux-loss-free
  /// balancing); nil when there is none.
  var selectionBias: UnsafePointer<Float>?
  var randomKey: RouterRandomKey
}

/// A router kind: turns a block of router logits into each token's selected experts and gates.
///
/// Members are value types dispatched once per run through generics (`some Router`), so the
/// per-token loop is specialised and inlined; the vectorised kernels come from `kernels`.
protocol Router: Sendable {
  /// Slots per token in `selected` and `gates`: `k` for token-choice kinds, 0 for expert choice
  /// (whose experts pick tokens once the whole step is scored).
  var slotsPerToken: Int { get }

  /// Routes every token of `block`, adding the block's z-loss and entropy sums to `sums`.
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums)

  /// Whether `routeTiles` routes blocks of `experts` experts (with or without a selection
  /// bias) from logits in the token-tile layout, with the same results as `route`. The
  /// simulation then computes the logits as tiles. False unless a router says otherwise.
  func routesTokenTiles(experts: Int, selectionBias: Bool) -> Bool

  /// Routes `block`, whose `logits` hold token tiles (`TokenTiles`) and stay as they are: the
  /// rows' router distributions are not written back. Only called when `routesTokenTiles`
  /// holds.
  func routeTiles(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums)
}

extension Router {
  func routesTokenTiles(experts: Int, selectionBias: Bool) -> Bool { false }

  func routeTiles(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    preconditionFailure("\(Self.self) does not route token tiles")
  }
}
