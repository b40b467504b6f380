/// The token-tile layout, for routers of at most 16 experts: sixteen tokens side by side, one
/// per vector lane, so that a token's arithmetic is lane-wise and needs no horizontal sums.
///
/// A block of token-major rows becomes tiles of 16 tokens: hidden states as `dim` vectors per
/// tile (`tiles[g][j][lane]` = feature `j` of token `16g + lane`), router logits as `width`
/// vectors per tile (`tiles[g][e][lane]` = expert `e`'s logit). Lanes past the last token hold
/// zeros (hidden) or whatever those zeros give (logits); nothing reads them back.
///
/// Row by row, 8 experts fill half of a 16-lane vector and every softmax sum and top-k
/// comparison crosses lanes; in tiles, every lane is a token and the work per token halves.
public enum TokenTiles {
  /// How a run lays out its router logits: row by row (token-major), or as token tiles.
  public enum Layout: String, Sendable {
    case rows
    case tokenTiles = "token tiles"
  }

  /// Tokens per tile: the lanes of a `SIMD16<Float>`.
  public static let tokensPerTile = 16
  /// The most experts the tile layout holds.
  public static let maxExperts = 16

  /// Expert vectors per logit tile: 8 for up to 8 experts, else 16.
  @inlinable @inline(__always)
  public static func width(experts: Int) -> Int { experts <= 8 ? 8 : 16 }

  /// Writes the `tokens × dim` rows of `hidden` (token-major) as tiles into `tiles`, which holds
  /// `⌈tokens / 16⌉ · 16 · dim` floats; lanes past the last token become zeros.
  @inlinable
  public static func transpose(
    hidden: UnsafePointer<Float>, tokens: Int, dim: Int, into tiles: UnsafeMutablePointer<Float>
  ) {
    var first = 0
    while first < tokens {
      let lanes = min(tokensPerTile, tokens - first)
      let tile = tiles + first * dim
      for lane in 0..<tokensPerTile {
        if lane < lanes {
          let row = hidden + (first + lane) * dim
          for feature in 0..<dim { tile[feature * tokensPerTile + lane] = row[feature] }
        } else {
          for feature in 0..<dim { tile[feature * tokensPerTile + lane] = 0 }
        }
      }
      first += tokensPerTile
    }
  }
}
