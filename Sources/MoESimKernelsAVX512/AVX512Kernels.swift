import MoESimKernels

/// The kernels of `MoESimKernels` compiled for AVX-512 (this module is built with
/// `-target-cpu skylake-avx512`): the inlinable kernels are specialised here, with wide tiles
/// that use the 32 vector registers. Only call them on a CPU with AVX-512F/BW/DQ/VL.
///
/// The closures repeat `KernelSet.baseline`'s on purpose: each must be written in the module
/// whose instruction set it is compiled for. A shared `@inlinable` factory was called, not
/// inlined (3× slower), and `@_alwaysEmitIntoClient` gives both modules one linker-merged symbol.
public enum AVX512Kernels {
  public static let set = KernelSet(
    name: "avx512",
    logits: {
      LogitsKernel.compute(
        hidden: $0, tokens: $1, dim: $2, weights: $3, bias: $4, paddedExperts: $5, logits: $6,
        wideTiles: true)
    },
    topK: { rows, stride, tokens, experts, k, indices, best in
      withUnsafeTemporaryAllocation(byteCount: TopKSelection.scratchBytes, alignment: 64) {
        TopKSelection.selectRows(
          rows, stride: stride, tokens: tokens, experts: experts, k: k, indices: indices,
          best: best, scratch: $0.baseAddress!)
      }
    },
    softmax: {
      SoftmaxKernel.apply(
        logits: $0, stride: $1, tokens: $2, experts: $3, maxima: $4, probabilitySums: $5,
        sums: &$6)
    },
    tileLogits: {
      TileLogitsKernel.compute(
        hiddenTiles: $0, tokens: $1, dim: $2, weights: $3, bias: $4, paddedExperts: $5,
        experts: $6, tiles: $7)
    },
    tileSoftmaxTopK: { tiles, tokens, experts, k, normalize, scale, selected, gates, sums, block in
      withUnsafeTemporaryAllocation(byteCount: TileSoftmaxTopK.scratchBytes, alignment: 64) {
        TileSoftmaxTopK.route(
          tiles: tiles, tokens: tokens, experts: experts, k: k, normalize: normalize,
          scale: scale, selected: selected, gates: gates, probabilitySums: sums, sums: &block,
          scratch: $0.baseAddress!)
      }
    },
    fmaPeakProbe: { FMAPeakProbe.run(rounds: $0) })
}
