/// A model's transformer blocks grouped by kind: a model repeats a few distinct blocks (dense,
/// MoE) over many layers, so the blocks of any contiguous range (a pipeline stage) are a count
/// of each kind, read off prefix counts in O(kinds) instead of a walk over the range's blocks.
/// This keeps a memory estimate linear in the pipeline stages, whatever the number of layers.
struct BlockCensus: Sendable, Equatable {
  /// The distinct blocks, in order of first appearance.
  let kinds: [BlockParameters]
  /// `prefixCounts[kind][i]`: blocks of `kinds[kind]` among blocks `0..<i`.
  let prefixCounts: [[Int]]

  init(_ blocks: [BlockParameters]) {
    var kinds: [BlockParameters] = []
    var kindOfBlock: [Int] = []
    kindOfBlock.reserveCapacity(blocks.count)
    for block in blocks {
      if let known = kinds.firstIndex(of: block) {
        kindOfBlock.append(known)
      } else {
        kinds.append(block)
        kindOfBlock.append(kinds.count - 1)
      }
    }
    var prefixCounts = [[Int]](
      repeating: [Int](repeating: 0, count: blocks.count + 1), count: kinds.count)
    for kind in kinds.indices {
      prefixCounts[kind].withUnsafeMutableBufferPointer { counts in
        for (index, blockKind) in kindOfBlock.enumerated() {
          counts[index + 1] = counts[index] + (blockKind == kind ? 1 : 0)
        }
      }
    }
    self.kinds = kinds
    self.prefixCounts = prefixCounts
  }

  /// Blocks in all.
  var blockCount: Int { prefixCounts.first.map { $0.count - 1 } ?? 0 }

  /// The kinds present in blocks `range` with their counts, in order of first appearance.
  func counts(in range: Range<Int>) -> [(block: BlockParameters, count: Int)] {
    kinds.indices.compactMap { kind in
      let count = prefixCounts[kind][range.upperBound] - prefixCounts[kind][range.lowerBound]
      return count > 0 ? (kinds[kind], count) : nil
    }
  }
}
