/// One compiled variant of the hot kernels. `MoESim` picks the variant for the CPU it runs on;
/// all variants compute bit-identical results.
public struct KernelSet: Sendable {
  /// Names the variant in `moesim bench` output, e.g. `baseline` or `avx512`.
  public let name: String
  public let logits:
    @Sendable (
      _ hidden: UnsafePointer<Float>, _ tokens: Int, _ dim: Int, _ weights: UnsafePointer<Float>,
      _ bias: UnsafePointer<Float>, _ paddedExperts: Int, _ logits: UnsafeMutablePointer<Float>
    ) -> Void
  /// `TopKSelection.selectRows`: rows, stride, tokens, experts, k, indices out, values out.
  public let topK:
    @Sendable (
      _ rows: UnsafePointer<Float>, _ stride: Int, _ tokens: Int, _ experts: Int, _ k: Int,
      _ indices: UnsafeMutablePointer<Int32>, _ best: UnsafeMutablePointer<Float>
    ) -> Void
  public let softmax:
    @Sendable (
      _ logits: UnsafeMutablePointer<Float>, _ stride: Int, _ tokens: Int, _ experts: Int,
      _ maxima: UnsafePointer<Float>, _ probabilitySums: UnsafeMutablePointer<Float>,
      _ sums: inout SoftmaxKernel.BlockSums
    ) -> Void
  /// `TileLogitsKernel.compute`: hidden tiles, tokens, dim, weights, bias, padded experts,
  /// experts, logit tiles out.
  public let tileLogits:
    @Sendable (
      _ hiddenTiles: UnsafePointer<Float>, _ tokens: Int, _ dim: Int,
      _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ paddedExperts: Int,
      _ experts: Int, _ tiles: UnsafeMutablePointer<Float>
    ) -> Void
  /// `TileSoftmaxTopK.route`: logit tiles, tokens, experts, k, normalize, scale, selected out,
  /// gates out, probability sums, block sums → tokens routed.
  public let tileSoftmaxTopK:
    @Sendable (
      _ tiles: UnsafePointer<Float>, _ tokens: Int, _ experts: Int, _ k: Int, _ normalize: Bool,
      _ scale: Float, _ selected: UnsafeMutablePointer<Int32>,
      _ gates: UnsafeMutablePointer<Float>, _ probabilitySums: UnsafeMutablePointer<Float>,
      _ sums: inout SoftmaxKernel.BlockSums
    ) -> Int
  /// `FMAPeakProbe.run`: rounds → a value that keeps the work alive.
  public let fmaPeakProbe: @Sendable (_ rounds: Int) -> Float

  public init(
    name: String,
    logits:
      @escaping @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, Int,
        UnsafeMutablePointer<Float>
      ) -> Void,
    topK:
      @escaping @Sendable (
        UnsafePointer<Float>, Int, Int, Int, Int, UnsafeMutablePointer<Int32>,
        UnsafeMutablePointer<Float>
      ) -> Void,
    softmax:
      @escaping @Sendable (
        UnsafeMutablePointer<Float>, Int, Int, Int, UnsafePointer<Float>,
        UnsafeMutablePointer<Float>, inout SoftmaxKernel.BlockSums
      ) -> Void,
    tileLogits:
      @escaping @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, Int, Int,
        UnsafeMutablePointer<Float>
      ) -> Void,
    tileSoftmaxTopK:
      @escaping @Sendable (
        UnsafePointer<Float>, Int, Int, Int, Bool, Float, UnsafeMutablePointer<Int32>,
        UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, inout SoftmaxKernel.BlockSums
      ) -> Int,
    fmaPeakProbe: @escaping @Sendable (Int) -> Float
  ) {
    self.name = name
    self.logits = logits
    self.topK = topK
    self.softmax = softmax
    self.tileLogits = tileLogits
    self.tileSoftmaxTopK = tileSoftmaxTopK
    self.fmaPeakProbe = fmaPeakProbe
  }

  /// The kernels compiled for the architecture's baseline (SSE2 on x86-64).
  public static let baseline = KernelSet(
    name: "baseline",
    logits: {
      LogitsKernel.compute(
        hidden: $0, tokens: $1, dim: $2, weights: $3, bias: $4, paddedExperts: $5, logits: $6,
        wideTiles: false)
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
