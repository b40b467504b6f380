/// How a layout's `pp` pipeline stages split a model's blocks: contiguous ranges, at most one
/// stage per block, the first `blocks mod stages` stages one block longer. `DeviceMemory` counts
/// each stage's memory and the time model each stage's time by this one rule.
struct PipelineStages: Sendable, Equatable {
  /// Stages: `pp`, at most one per block (at least 1).
  let count: Int
  /// Blocks of the model (its transformer layers).
  let blocks: Int

  init(pp: Int, blocks: Int) {
    count = max(1, min(pp, blocks))
    self.blocks = blocks
  }

  /// The blocks of stage `index`.
  func blocks(ofStage index: Int) -> Range<Int> {
    let base = blocks / count
    let longer = blocks % count
    let first = index * base + min(index, longer)
    return first..<(first + base + (index < longer ? 1 : 0))
  }

  /// The stage holding block `block` (0-based, dense blocks counted).
  func stage(ofBlock block: Int) -> Int {
    let base = blocks / count
    let longer = blocks % count
    guard base > 0 else { return 0 }
    let inLonger = longer * (base + 1)
    return block < inLonger ? block / (base + 1) : longer + (block - inLonger) / base
  }
}
