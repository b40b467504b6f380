import MoESimKernels
import Testing

@testable import MoESim

/// The token-tile path (16 tokens to a vector, for routers of at most 16 experts) against the
/// row path it replaces: the same bits for the logits and for every routing output.
@Suite struct TokenTilesTests {
  /// Values with ties, signed zeros and a spread of magnitudes, from a fixed stream.
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var generator = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { _ in
      let bits = generator.next()
      switch bits % 16 {
      case 0: return 0.5  // frequent exact ties
      case 1: return -0.0
      case 2: return 0
      default: return Float(Int64(bitPattern: bits) >> 40) / 2e6
      }
    }
  }

  @Test(arguments: [1, 16, 17, 40], [3, 64])
  func transposeLaysTokensAcrossLanes(tokens: Int, dim: Int) {
    let hidden = Self.values(tokens * dim, seed: 3)
    let tileCount = (tokens + 15) / 16
    var tiles = [Float](repeating: .nan, count: tileCount * 16 * dim)
    TokenTiles.transpose(hidden: hidden, tokens: tokens, dim: dim, into: &tiles)
    for tile in 0..<tileCount {
      for feature in 0..<dim {
        for lane in 0..<16 {
          let token = tile * 16 + lane
          let expected = token < tokens ? hidden[token * dim + feature] : 0
          #expect(tiles[(tile * dim + feature) * 16 + lane].bitPattern == expected.bitPattern)
        }
      }
    }
  }

  /// Every variant's tile logits have the bits of the row kernel's logits.
  @Test(arguments: [1, 5, 8, 9, 16], [1, 16, 17, 37])
  func tileLogitsHaveTheBitsOfRowLogits(experts: Int, tokens: Int) {
    let dim = 24, padded = 16
    let hidden = Self.values(tokens * dim, seed: 5)
    var weights = Self.values(dim * padded, seed: 7)
    var bias = Self.values(padded, seed: 11)
    // Padded experts have zero weights and bias, as the simulation's router does.
    for feature in 0..<dim {
      for expert in experts..<padded { weights[feature * padded + expert] = 0 }
    }
    for expert in experts..<padded { bias[expert] = 0 }
    let tileCount = (tokens + 15) / 16
    var hiddenTiles = [Float](repeating: 0, count: tileCount * 16 * dim)
    TokenTiles.transpose(hidden: hidden, tokens: tokens, dim: dim, into: &hiddenTiles)
    let width = TokenTiles.width(experts: experts)
    for kernels in KernelSet.available {
      var rows = [Float](repeating: 0, count: tokens * padded)
      kernels.logits(hidden, tokens, dim, weights, bias, padded, &rows)
      var tiles = [Float](repeating: .nan, count: tileCount * width * 16)
      kernels.tileLogits(hiddenTiles, tokens, dim, weights, bias, padded, experts, &tiles)
      for token in 0..<tokens {
        for expert in 0..<experts {
          let tiled = tiles[(token / 16 * width + expert) * 16 + token % 16]
          #expect(
            tiled.bitPattern == rows[token * padded + expert].bitPattern,
            "\(kernels.name) token \(token) expert \(expert)")
        }
      }
    }
  }

  /// What must agree bit for bit between the layouts.
  struct Outcome: Equatable {
    var selected: [Int32]
    var gates: [UInt32]
    var probabilitySums: [UInt32]
    var squaredLogSumExp: UInt64
    var entropy: UInt64
  }

  /// Routes `logits` (token-major rows of `experts`) with `router` on every variant (which the
  /// harness checks agree), as rows or as tiles.
  static func route(
    _ router: SoftmaxTopK, logits: [Float], tokens: Int, experts: Int, tiled: Bool
  ) -> Outcome {
    let rows = (0..<tokens).map { Array(logits[$0 * experts..<($0 + 1) * experts]) }
    let routed = RouterHarness.route(router, logits: rows, tiled: tiled)
    return Outcome(
      selected: routed.selected, gates: routed.gates.map(\.bitPattern),
      probabilitySums: routed.probabilitySums.map(\.bitPattern),
      squaredLogSumExp: routed.squaredLogSumExp.bitPattern, entropy: routed.entropy.bitPattern)
  }

  /// Both orders, with and without normalisation and scaling, every k: the tile path gives the
  /// row path's bits, over whole tiles and a last partial one, with ties and signed zeros.
  @Test(arguments: [1, 2, 5, 8, 12, 16])
  func tileRoutingHasTheBitsOfRowRouting(experts: Int) {
    let tokens = 37
    let logits = Self.values(tokens * experts, seed: UInt64(experts))
    #expect(Set(logits).count < logits.count, "the logits hold ties")
    for k in Set([1, 2, 3, experts].filter { $0 <= experts }).sorted() {
      for order in [ScoreOrder.softmaxThenTopK, .topKThenSoftmax] {
        for (normalize, scale) in [(true, Float(1)), (false, 1), (true, 2.5), (false, 2.5)] {
          let router = SoftmaxTopK(
            topK: k, normalizeTopK: normalize, order: order, scalingFactor: scale)
          #expect(router.routesTokenTiles(experts: experts, selectionBias: false))
          let rows = Self.route(
            router, logits: logits, tokens: tokens, experts: experts, tiled: false)
          let tiles = Self.route(
            router, logits: logits, tokens: tokens, experts: experts, tiled: true)
          #expect(rows == tiles, "k \(k), \(order), normalize \(normalize), scale \(scale)")
        }
      }
    }
  }

  /// A tile with an infinite logit goes row by row (the lane arithmetic needs finite values);
  /// the tiles before and after it stay on the tile path; all of it gives the row path's bits.
  @Test(arguments: [8, 16])
  func aTileWithAnInfiniteLogitIsRoutedRowByRow(experts: Int) {
    let tokens = 48
    var logits = Self.values(tokens * experts, seed: 17)
    logits[20 * experts + 3] = .infinity
    let router = SoftmaxTopK(topK: 2, normalizeTopK: true)
    let rows = Self.route(router, logits: logits, tokens: tokens, experts: experts, tiled: false)
    let tiles = Self.route(router, logits: logits, tokens: tokens, experts: experts, tiled: true)
    #expect(rows == tiles)
    #expect(tiles.selected[20 * 2] == 3)
  }

  /// Routers and settings the tile path does not cover keep the rows.
  @Test func onlyUnbiasedUngroupedSoftmaxRoutersOfAtMost16ExpertsTakeTiles() {
    let router = SoftmaxTopK(topK: 2, normalizeTopK: true)
    #expect(router.routesTokenTiles(experts: 16, selectionBias: false))
    #expect(!router.routesTokenTiles(experts: 17, selectionBias: false))
    #expect(!router.routesTokenTiles(experts: 8, selectionBias: true))
    let grouped = SoftmaxTopK(
      topK: 2, normalizeTopK: true, limit: GroupLimit(groups: 4, topKGroups: 2))
    #expect(!grouped.routesTokenTiles(experts: 16, selectionBias: false))
    #expect(!SigmoidTopK(topK: 2, normalizeTopK: true).routesTokenTiles(
      experts: 8, selectionBias: false))
  }
}
