/// The router logits of a block of tokens in the token-tile layout (`TokenTiles`), for at most
/// 16 experts: `logits = H · W + b`, sixteen tokens per vector.
///
/// Each expert's logits of a tile accumulate in one register: over `j = 0 ..< d`, the tile's
/// feature `j` (one vector load) times the broadcast weight `W[j][e]`, fused into the running
/// sum. That is, per lane, exactly the operations of `LogitsKernel` — start from the bias, one
/// fused multiply-add per feature in order — so the logits have the same bits; but every lane
/// does useful work, where rows of 8 experts leave half of each vector empty.
public enum TileLogitsKernel {
  public typealias Vector = SIMD16<Float>

  /// - Parameters:
  ///   - hiddenTiles: `⌈tokens / 16⌉` tiles of `dim` vectors (`TokenTiles.transpose`).
  ///   - weights: `dim × paddedExperts`, row-major; `bias`: `paddedExperts` (padding zero).
  ///   - tiles: `⌈tokens / 16⌉` output tiles of `TokenTiles.width(experts:)` vectors.
  @inlinable @inline(__always)
  public static func compute(
    hiddenTiles: UnsafePointer<Float>, tokens: Int, dim: Int, weights: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, paddedExperts: Int, experts: Int,
    tiles: UnsafeMutablePointer<Float>
  ) {
    if experts <= 8 {
      compute(
        width: 8, hiddenTiles: hiddenTiles, tokens: tokens, dim: dim, weights: weights,
        bias: bias, paddedExperts: paddedExperts, tiles: tiles)
    } else {
      compute(
        width: 16, hiddenTiles: hiddenTiles, tokens: tokens, dim: dim, weights: weights,
        bias: bias, paddedExperts: paddedExperts, tiles: tiles)
    }
  }

  /// `compute` for a constant `width` (8 or 16 accumulators, one per expert vector; experts
  /// past the real ones have zero weights and bias and are computed, unused).
  @_transparent @usableFromInline
  static func compute(
    width: Int, hiddenTiles: UnsafePointer<Float>, tokens: Int, dim: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, paddedExperts: Int,
    tiles: UnsafeMutablePointer<Float>
  ) {
    let tileCount = (tokens + 15) / 16
    let hiddenRaw = UnsafeRawPointer(hiddenTiles)
    let out = UnsafeMutableRawPointer(tiles)
    for tile in 0..<tileCount {
      var sums = InlineArray<16, Vector>(repeating: Vector())
      for expert in 0..<width { sums[expert] = Vector(repeating: bias[expert]) }
      let features = hiddenRaw + tile &* dim &* 64
      var row = weights
      for feature in 0..<dim {
        let values = features.load(fromByteOffset: feature &* 64, as: Vector.self)
        for expert in 0..<width {
          sums[expert] = sums[expert].addingProduct(values, Vector(repeating: row[expert]))
        }
        row += paddedExperts
      }
      let tileOut = out + tile &* width &* 64
      for expert in 0..<width {
        tileOut.storeBytes(of: sums[expert], toByteOffset: expert &* 64, as: Vector.self)
      }
    }
  }
}
