/// How fast an expert's grouped GEMMs run as a function of the tokens it serves: an expert
/// with `a` tokens takes as long as `a + paddingRows` tokens at `peakFraction` of the peak
/// FLOP/s. The padding is the per-expert cost that few tokens cannot amortise (tiles of rows
/// padded to the block size, pipeline fill and drain of each group); it makes the achieved
/// fraction `peakFraction · a / (a + paddingRows)`, so an expert of few tokens cannot reach
/// the plateau.
public struct GroupedGemmFit: Sendable, Equatable {
  /// Fraction of peak FLOP/s a grouped GEMM of many rows per expert reaches.
  public var peakFraction: Double
  /// Rows of padding per expert slot and grouped GEMM.
  public var paddingRows: Double

  /// The roofline: peak FLOP/s, no padding.
  public static let peak = GroupedGemmFit(peakFraction: 1, paddingRows: 0)

  /// One published measurement: `groups` experts of `rowsPerGroup` tokens through an `n × k`
  /// weight matrix each, at `tflops`.
  public struct Measurement: Sendable, Equatable {
    public var groups: Double
    public var rowsPerGroup: Double
    public var n: Double
    public var k: Double
    public var tflops: Double

    /// Seconds of the measured kernel: `2 · groups · rows · n · k / rate`.
    public var seconds: Double { 2 * groups * rowsPerGroup * n * k / (tflops * 1e12) }
  }

  /// deepseek-ai/DeepGEMM README at commit 55ab91f ("Update performance", 2025-03-25),
  /// "Performance", tables "Grouped GEMMs for MoE models" (contiguous and masked layout): FP8
  /// with fine-grained scaling on H800 SXM5, DeepSeek-V3's expert shapes (gate and up
  /// projections `n = 4096, k = 7168`, down projection `n = 7168, k = 2048`).
  public static let deepGEMMH800: [Measurement] = [
    Measurement(groups: 4, rowsPerGroup: 8192, n: 4096, k: 7168, tflops: 1346),
    Measurement(groups: 4, rowsPerGroup: 8192, n: 7168, k: 2048, tflops: 1214),
    Measurement(groups: 8, rowsPerGroup: 4096, n: 4096, k: 7168, tflops: 1346),
    Measurement(groups: 8, rowsPerGroup: 4096, n: 7168, k: 2048, tflops: 1214),
    Measurement(groups: 1, rowsPerGroup: 1024, n: 4096, k: 7168, tflops: 1233),
    Measurement(groups: 1, rowsPerGroup: 1024, n: 7168, k: 2048, tflops: 925),
    Measurement(groups: 2, rowsPerGroup: 512, n: 4096, k: 7168, tflops: 1040),
    Measurement(groups: 2, rowsPerGroup: 512, n: 7168, k: 2048, tflops: 916),
    Measurement(groups: 4, rowsPerGroup: 256, n: 4096, k: 7168, tflops: 932),
    Measurement(groups: 4, rowsPerGroup: 256, n: 7168, k: 2048, tflops: 815),
  ]

  /// Dense FP8 peak of the H800 (the H100 SXM's, `DeviceCatalog`), TFLOP/s.
  public static let h800FP8PeakTFLOPs = 1979.0

  /// The fit to `deepGEMMH800`, made once: `peakFraction` ≈ 0.658, `paddingRows` ≈ 131.
  public static let deepGEMM = fitted(
    to: deepGEMMH800, peakTFLOPs: h800FP8PeakTFLOPs)

  /// Least squares in relative error over whole experts: rows with the same `rowsPerGroup` and
  /// `groups` are one expert's GEMMs (gate-up then down); its time per row of one group,
  /// normalised to peak, `y = t · P / (2 · groups · Σ n·k)`, is linear in the rows, `y = (rows +
  /// paddingRows) / peakFraction`, and each expert's point is weighted by `1 / y`.
  public static func fitted(to rows: [Measurement], peakTFLOPs: Double) -> GroupedGemmFit {
    var experts: [(rows: Double, groups: Double, seconds: Double, nk: Double)] = []
    for row in rows {
      if let i = experts.firstIndex(where: {
        $0.rows == row.rowsPerGroup && $0.groups == row.groups
      }) {
        experts[i].seconds += row.seconds
        experts[i].nk += row.n * row.k
      } else {
        experts.append((row.rowsPerGroup, row.groups, row.seconds, row.n * row.k))
      }
    }
    let points = experts.map { expert in
      (x: expert.rows, y: expert.seconds * peakTFLOPs * 1e12 / (2 * expert.groups * expert.nk))
    }
    guard let (slope, intercept) = RelativeLeastSquares.line(points) else { return .peak }
    return GroupedGemmFit(peakFraction: 1 / slope, paddingRows: intercept / slope)
  }
}
