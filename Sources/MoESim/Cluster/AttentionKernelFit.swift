/// How fast a fused attention kernel runs as a function of the sequence length: over a `L`-token
/// causal sequence it reaches `peakFraction · L / (L + halfLength)` of the BF16 peak, so short
/// sequences, whose tiles and softmax bookkeeping are not amortised, run well below it.
public struct AttentionKernelFit: Sendable, Equatable {
  /// Fraction of the BF16 peak reached on long sequences.
  public var peakFraction: Double
  /// Sequence length at which the kernel reaches half of `peakFraction`.
  public var halfLength: Double

  /// The achieved fraction of the BF16 peak over a `length`-token sequence.
  public func efficiency(length: Double) -> Double {
    peakFraction * length / (length + halfLength)
  }

  /// One published measurement: the kernel's rate over `length`-token sequences.
  public struct Measurement: Sendable, Equatable {
    public var length: Double
    public var tflops: Double
  }

  /// FlashAttention-3 (Shah et al. 2024, arXiv:2407.08608, Fig. 5; Dao-AILab/flash-attention
  /// `assets/flash3_fp16_fwd.png` at commit 7ef2484, the bar labels): BF16 forward, causal,
  /// head dimension 128, on H100 SXM5, 16k tokens per batch (batch × length) and 2,048 hidden
  /// (16 heads), TFLOP/s counted as `4 · batch · L² · heads · head_dim / 2`.
  public static let flashAttention3H100: [Measurement] = [
    Measurement(length: 512, tflops: 292),
    Measurement(length: 1024, tflops: 423),
    Measurement(length: 2048, tflops: 521),
    Measurement(length: 4096, tflops: 579),
    Measurement(length: 8192, tflops: 602),
    Measurement(length: 16384, tflops: 616),
  ]

  /// Dense BF16 peak of the H100 SXM (`DeviceCatalog`), TFLOP/s.
  public static let h100BF16PeakTFLOPs = 989.5

  /// The fit to `flashAttention3H100`, made once: `peakFraction` ≈ 0.663, `halfLength` ≈ 602.
  public static let flashAttention3 = fitted(
    to: flashAttention3H100, peakTFLOPs: h100BF16PeakTFLOPs)

  /// Least squares in relative error of the time: the time per FLOP normalised to peak, `y =
  /// peak / rate`, is linear in `1 / L`, `y = (1 + halfLength / L) / peakFraction`.
  public static func fitted(to rows: [Measurement], peakTFLOPs: Double) -> AttentionKernelFit {
    let points = rows.map { (x: 1 / $0.length, y: peakTFLOPs / $0.tflops) }
    guard let (slope, intercept) = RelativeLeastSquares.line(points), intercept > 0 else {
      return AttentionKernelFit(peakFraction: 1, halfLength: 0)
    }
    return AttentionKernelFit(peakFraction: 1 / intercept, halfLength: slope / intercept)
  }
}
