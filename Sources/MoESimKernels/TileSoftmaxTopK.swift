/// Softmax top-k routing of router logits in the token-tile layout (`TokenTiles`), for at most
/// 16 experts: the work of `TopKSelection`, `SoftmaxKernel` and the gate normalisation, fused,
/// sixteen tokens per vector.
///
/// Every result has the bits of the row-by-row path, by the same operations per token in the
/// same order: the top k by value, ties to the lower index (experts visited in index order, a
/// value displacing a kept one only when strictly larger); `e^(l − max)` by `VectorExp`; the
/// row sums as `LaneMath.sum`'s tree (here across expert vectors, lane by lane); each row
/// divided once (`1 / total`); each expert's probability sum added token by token; the
/// logsumexp and entropy sums in `Double`, token by token; the gates as the selected
/// probabilities, scaled by `(normalize ? 1 / Σ gates : 1) · scale`.
public enum TileSoftmaxTopK {
  public typealias Vector = SIMD16<Float>
  public typealias Lanes = SIMD16<Int32>

  /// Bytes of working memory `route` needs (64-byte aligned): a tile's probabilities, then
  /// each slot's gates and experts.
  public static var scratchBytes: Int { 16 * 64 + 16 * 128 }

  /// Routes the `tokens` tokens of `tiles` (`TokenTiles.width(experts:)` logit vectors per
  /// tile; read only): writes each token's `k` experts (best first) into `selected` and their
  /// gates into `gates` (`tokens × k`, token-major), adds each expert's probabilities to
  /// `probabilitySums` and the tokens' logsumexp² and entropy to `sums`.
  ///
  /// Stops before the first tile holding a non-finite logit, which the caller routes row by
  /// row (the lane arithmetic needs finite values), and returns the tokens routed: `tokens`,
  /// or that tile's first token.
  @inlinable @inline(__always)
  public static func route(
    tiles: UnsafePointer<Float>, tokens: Int, experts: Int, k: Int, normalize: Bool,
    scale: Float, selected: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>,
    probabilitySums: UnsafeMutablePointer<Float>, sums: inout SoftmaxKernel.BlockSums,
    scratch: UnsafeMutableRawPointer
  ) -> Int {
    // 8 and 16 experts (and top-2 of 8) compiled apart: with constant counts, the loops over
    // the experts and slots have no tests left.
    switch (experts, k) {
    case (8, 2):
      return route(
        width: 8, tiles: tiles, tokens: tokens, experts: 8, k: 2, normalize: normalize,
        scale: scale, selected: selected, gates: gates, probabilitySums: probabilitySums,
        sums: &sums, scratch: scratch)
    case (...8, _):
      return route(
        width: 8, tiles: tiles, tokens: tokens, experts: experts, k: k, normalize: normalize,
        scale: scale, selected: selected, gates: gates, probabilitySums: probabilitySums,
        sums: &sums, scratch: scratch)
    case (16, _):
      return route(
        width: 16, tiles: tiles, tokens: tokens, experts: 16, k: k, normalize: normalize,
        scale: scale, selected: selected, gates: gates, probabilitySums: probabilitySums,
        sums: &sums, scratch: scratch)
    default:
      return route(
        width: 16, tiles: tiles, tokens: tokens, experts: experts, k: k, normalize: normalize,
        scale: scale, selected: selected, gates: gates, probabilitySums: probabilitySums,
        sums: &sums, scratch: scratch)
    }
  }

  /// `route` for a constant `width` (expert vectors per tile), so that every loop over the
  /// experts unrolls and the vectors stay in registers.
  @_transparent @usableFromInline
  static func route(
    width: Int, tiles: UnsafePointer<Float>, tokens: Int, experts: Int, k: Int,
    normalize: Bool, scale: Float, selected: UnsafeMutablePointer<Int32>,
    gates: UnsafeMutablePointer<Float>, probabilitySums: UnsafeMutablePointer<Float>,
    sums: inout SoftmaxKernel.BlockSums, scratch: UnsafeMutableRawPointer
  ) -> Int {
    var squaredLogSumExp = sums.squaredLogSumExp
    var entropy = sums.entropy
    defer {
      sums.squaredLogSumExp = squaredLogSumExp
      sums.entropy = entropy
    }
    var first = 0
    while first < tokens {
      let lanes = min(16, tokens &- first)
      let tile = UnsafeRawPointer(tiles + (first / 16) &* width &* 16)
      // All ones in the lanes that hold tokens.
      let laneMask = Lanes(0..<16) &- Lanes(repeating: Int32(truncatingIfNeeded: lanes)) &>> 31
      // Each expert's logits, −0 turned into +0 (so that a zero difference means equal), and
      // whether any is non-finite: its exponent bits are all ones (±infinity, NaN) exactly when
      // adding one unit of the exponent's lowest bit carries into the sign bit.
      var logits = InlineArray<16, Vector>(repeating: Vector())
      var carries = Lanes()
      for expert in 0..<width where expert < experts {
        logits[expert] = tile.load(fromByteOffset: expert &* 64, as: Vector.self) + Vector()
        carries |= (unsafeBitCast(logits[expert], to: Lanes.self) & 0x7F80_0000) &+ 0x0080_0000
      }
      guard ((carries & laneMask) &>> 31).wrappedSum() == 0 else { return first }
      // The top k: −1 in `beats[s]` where the expert's logit is larger than the one kept in
      // slot s (the sign of kept − logit); slots at and after the first beaten shift down.
      var best = InlineArray<16, Vector>(repeating: Vector(repeating: -.infinity))
      var index = InlineArray<16, Lanes>(repeating: Lanes(repeating: -1))
      for expert in 0..<width where expert < experts {
        let logit = logits[expert]
        let expertIndex = Lanes(repeating: Int32(truncatingIfNeeded: expert))
        var beats = InlineArray<16, Lanes>(repeating: Lanes())
        for slot in 0..<width where slot < k {
          beats[slot] = unsafeBitCast(best[slot] - logit, to: Lanes.self) &>> 31
        }
        for slot in (1..<width).reversed() where slot < k {
          best[slot] = LaneMath.select(
            LaneMath.select(best[slot &- 1], where: beats[slot &- 1], else: logit),
            where: beats[slot], else: best[slot])
          index[slot] = LaneMath.select(
            LaneMath.select(index[slot &- 1], where: beats[slot &- 1], else: expertIndex),
            where: beats[slot], else: index[slot])
        }
        best[0] = LaneMath.select(logit, where: beats[0], else: best[0])
        index[0] = LaneMath.select(expertIndex, where: beats[0], else: index[0])
      }
      // Softmax: exponentials, their sum and Σ p·logit as LaneMath.sum's tree over the experts.
      let maximum = best[0]
      var exponentials = InlineArray<16, Vector>(repeating: Vector())
      var weighted = InlineArray<16, Vector>(repeating: Vector())
      for expert in 0..<width where expert < experts {
        exponentials[expert] = VectorExp.exp(logits[expert] - maximum)
        weighted[expert] = Vector().addingProduct(exponentials[expert], logits[expert])
      }
      let total = laneTree(exponentials, width: width)
      let meanLogit = laneTree(weighted, width: width) / total
      let inverse = Vector(repeating: 1) / total
      // Probabilities, added to each expert's sum token by token (the experts' chains
      // interleaved, each in token order).
      for expert in 0..<width where expert < experts {
        scratch.storeBytes(
          of: exponentials[expert] * inverse, toByteOffset: expert &* 64, as: Vector.self)
      }
      var running = InlineArray<16, Float>(repeating: 0)
      for expert in 0..<width where expert < experts { running[expert] = probabilitySums[expert] }
      for lane in 0..<lanes {
        for expert in 0..<width where expert < experts {
          running[expert] += scratch.load(fromByteOffset: expert &* 64 &+ lane &* 4, as: Float.self)
        }
      }
      for expert in 0..<width where expert < experts { probabilitySums[expert] = running[expert] }
      // z-loss and entropy sums; H = logsumexp − Σ p·logit.
      let logTotal = VectorLog.log(total)
      for lane in 0..<lanes {
        let logSumExp = Double(maximum[lane]) + Double(logTotal[lane])
        squaredLogSumExp += logSumExp * logSumExp
        entropy += logSumExp - Double(meanLogit[lane])
      }
      // Gates: the selected probabilities (e^(l − max) of the kept logit, as above), scaled.
      var gate = InlineArray<16, Vector>(repeating: Vector())
      var mass = Vector()
      for slot in 0..<width where slot < k {
        gate[slot] = VectorExp.exp(best[slot] - maximum) * inverse
        mass += gate[slot]
      }
      let factor: Vector =
        normalize ? Vector(repeating: 1) / mass * Vector(repeating: scale) : Vector(repeating: scale)
      // Token-major out of memory: a lane taken from a register costs a whole-vector spill.
      let slots = scratch + 16 &* 64
      for slot in 0..<width where slot < k {
        slots.storeBytes(of: gate[slot] * factor, toByteOffset: slot &* 128, as: Vector.self)
        slots.storeBytes(of: index[slot], toByteOffset: slot &* 128 &+ 64, as: Lanes.self)
      }
      for lane in 0..<lanes {
        let out = (first &+ lane) &* k
        for slot in 0..<width where slot < k {
          gates[out &+ slot] = slots.load(fromByteOffset: slot &* 128 &+ lane &* 4, as: Float.self)
          selected[out &+ slot] = slots.load(
            fromByteOffset: slot &* 128 &+ 64 &+ lane &* 4, as: Int32.self)
        }
      }
      first &+= 16
    }
    return tokens
  }

  /// Lane by lane, the sum of the first `width` vectors as `LaneMath.sum` adds a row of that
  /// many values: for 16, each with the one 8 after it, then the 8-value tree
  /// `((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7))`.
  @_transparent @usableFromInline
  static func laneTree(_ x: InlineArray<16, Vector>, width: Int) -> Vector {
    var y = x
    if width == 16 { for i in 0..<8 { y[i] = x[i] + x[i &+ 8] } }
    return ((y[0] + y[4]) + (y[2] + y[6])) + ((y[1] + y[5]) + (y[3] + y[7]))
  }
}
