import MoESimKernels
import Testing

@testable import MoESim

/// Routes hand-made logits through a router, the way the simulation does, with every kernel
/// variant this CPU runs; checks the variants agree bit for bit and returns the baseline's.
/// With `tiled`, the logits go as token tiles to `routeTiles` (and `rows` are what the tiles
/// still hold: the logits).
struct RoutedBlock {
  var selected: [Int32]
  var gates: [Float]
  /// Each token's router distribution after routing (`experts` per token).
  var rows: [[Float]]
  var probabilitySums: [Float]
  var squaredLogSumExp: Double
  var entropy: Double
}

enum RouterHarness {
  static func route(
    _ router: some Router, logits: [[Float]], tokenIds: [Int32]? = nil, bias: [Float]? = nil,
    key: RouterRandomKey = RouterRandomKey(seed: 1, step: 0, layer: 0, block: 0),
    tiled: Bool = false
  ) -> RoutedBlock {
    let tokens = logits.count
    let experts = logits[0].count
    let stride = (experts + 15) / 16 * 16
    let slots = router.slotsPerToken
    let width = TokenTiles.width(experts: experts)
    /// Where expert `expert` of token `token` sits in the block's logits.
    func position(_ token: Int, _ expert: Int) -> Int {
      tiled ? (token / 16 * width + expert) * 16 + token % 16 : token * stride + expert
    }
    var outcomes: [RoutedBlock] = []
    for kernels in KernelSet.available {
      var rows = [Float](repeating: 0, count: (tokens + 15) / 16 * 16 * stride)
      for (token, row) in logits.enumerated() {
        for (expert, value) in row.enumerated() { rows[position(token, expert)] = value }
      }
      var selected = [Int32](repeating: -7, count: max(1, tokens * slots))
      var gates = [Float](repeating: -7, count: max(1, tokens * slots))
      var probabilities = [Float](repeating: 0, count: stride)
      var rowScratch = [Float](repeating: 0, count: max(tokens, 16 * 17))
      var scoreScratch = [Float](repeating: 0, count: 2 * stride)
      let ids = tokenIds ?? (0..<tokens).map(Int32.init)
      var sums = RouterBlockSums()
      rows.withUnsafeMutableBufferPointer { rows in
        selected.withUnsafeMutableBufferPointer { selected in
          gates.withUnsafeMutableBufferPointer { gates in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
              rowScratch.withUnsafeMutableBufferPointer { rowScratch in
                scoreScratch.withUnsafeMutableBufferPointer { scoreScratch in
                  ids.withUnsafeBufferPointer { ids in
                    (bias ?? []).withUnsafeBufferPointer { biasBuffer in
                      let block = RouterBlock(
                        logits: rows.baseAddress!, stride: stride, tokens: tokens,
                        experts: experts, selected: selected.baseAddress!,
                        gates: gates.baseAddress!, probabilitySums: probabilities.baseAddress!,
                        rowScratch: rowScratch.baseAddress!,
                        scoreScratch: scoreScratch.baseAddress!, tokenIds: ids.baseAddress!,
                        selectionBias: bias == nil ? nil : biasBuffer.baseAddress,
                        randomKey: key)
                      if tiled {
                        router.routeTiles(block, kernels: kernels, sums: &sums)
                      } else {
                        router.route(block, kernels: kernels, sums: &sums)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
      outcomes.append(
        RoutedBlock(
          selected: Array(selected.prefix(tokens * slots)),
          gates: Array(gates.prefix(tokens * slots)),
          rows: (0..<tokens).map { token in (0..<experts).map { rows[position(token, $0)] } },
          probabilitySums: Array(probabilities.prefix(experts)),
          squaredLogSumExp: sums.squaredLogSumExp, entropy: sums.entropy))
    }
    // Bit for bit (NaN included, which `==` would call unequal to itself).
    let first = outcomes[0]
    for other in outcomes.dropFirst() {
      #expect(other.selected == first.selected)
      #expect(other.gates.map(\.bitPattern) == first.gates.map(\.bitPattern))
      #expect(other.rows.map { $0.map(\.bitPattern) } == first.rows.map { $0.map(\.bitPattern) })
      #expect(
        other.probabilitySums.map(\.bitPattern) == first.probabilitySums.map(\.bitPattern))
      #expect(other.squaredLogSumExp.bitPattern == first.squaredLogSumExp.bitPattern)
      #expect(other.entropy.bitPattern == first.entropy.bitPattern)
    }
    return outcomes[0]
  }
}

/// `|a − b| ≤ tolerance` for every pair, and equal counts.
func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-6) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}
