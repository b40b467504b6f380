import MoESimKernels

/// Per-block sums a router reports beside its selections; the simulation adds them up across
/// blocks in block order, so totals do not depend on the thread count.
typealias RouterBlockSums = SoftmaxKernel.BlockSums

/// A block of router logits and where a router writes its decisions.
struct RouterBlock {
  /// `tokens` rows of stride `stride`; the first `experts` entries of each row are valid.
  var logits: UnsafeMutablePointer<Float>
  var stride: Int
  var tokens: Int
  var experts: Int
  /// `tokens × topK` expert indices, best first.
  var selected: UnsafeMutablePointer<Int32>
  /// `tokens × topK` combine weights, matching `selected`.
  var gates: UnsafeMutablePointer<Float>
  /// `stride` running sums of each expert's router probability over the block's tokens (the
  /// `P_i` of the auxiliary loss, before dividing by tokens).
  var probabilitySums: UnsafeMutablePointer<Float>
  /// `tokens` floats of scratch.
  var rowScratch: UnsafeMutablePointer<Float>
}

/// A router kind: turns a block of router logits into each token's selected experts and gates.
///
/// Members are value types dispatched once per run through generics (`some Router`), so the
/// per-token loop is specialised and inlined; the vectorised kernels come from `kernels`.
protocol Router: Sendable {
  /// Experts selected per token (`k`).
  var topK: Int { get }

  /// Routes every token of `block`, adding the block's z-loss and entropy sums to `sums`.
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums)
}
