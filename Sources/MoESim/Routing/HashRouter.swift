import MoESimKernels

/// Hash routing (Roller et al. 2021, *Hash Layers For Large Sparse Models*, §3): a fixed
/// random hash of the token id picks the expert, with no learned router. Each MoE layer has its
/// own hash, drawn from the run's seed: expert = `mix(salt ⊕ token) mod E`; for k > 1 further
/// experts come from the next hashes of the same key, moving to the next free expert on a
/// collision so the k are distinct. Gates are `1/k` (1 for the paper's single-hash case).
///
/// There are no router probabilities: the distribution the losses see is the gates themselves
/// (so `P_i = f_i`), and the z-loss and entropy are 0.
struct HashRouter: Router {
  let topK: Int
  let seed: UInt64

  var slotsPerToken: Int { topK }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let k = topK
    let experts = block.experts
    let salt = SplitMix64.mix(
      (seed ^ 0x4841_5348_4C41_5945) &+ UInt64(block.randomKey.layer) &* 0x9E37_79B9_7F4A_7C15)
    let gate = 1 / Float(k)
    // For many slots, the next free expert comes from a pointer table with path compression
    // (the same expert the linear scan finds, in near-constant time instead of O(k) per probe).
    var nextFree = k > Self.linearScanSlots ? [Int32](repeating: 0, count: experts) : []
    for token in 0..<block.tokens {
      let selected = block.selected + token * k
      let gates = block.gates + token * k
      var key = SplitMix64.mix(salt ^ UInt64(UInt32(bitPattern: block.tokenIds[token])))
      if !nextFree.isEmpty {
        for expert in 0..<experts { nextFree[expert] = Int32(expert) }
      }
      for slot in 0..<k {
        var expert = Int32(truncatingIfNeeded: key % UInt64(experts))
        if nextFree.isEmpty {
          while (0..<slot).contains(where: { selected[$0] == expert }) {
            expert = (expert + 1) % Int32(experts)
          }
        } else {
          expert = Self.takeFree(from: expert, in: &nextFree)
        }
        selected[slot] = expert
        gates[slot] = gate
        key = SplitMix64.mix(key &+ 0x9E37_79B9_7F4A_7C15)
      }
      let row = block.logits + token * block.stride
      row.update(repeating: 0, count: experts)
      for slot in 0..<k {
        row[Int(selected[slot])] = gate
        block.probabilitySums[Int(selected[slot])] += gate
      }
    }
  }

  /// Up to this many slots per token, collisions are found by scanning the slots taken so far.
  static let linearScanSlots = 16

  /// The first free expert at or after `start` (cyclically), marked taken. `nextFree[e]` points
  /// at a candidate no earlier than `e`; a taken expert points one further.
  static func takeFree(from start: Int32, in nextFree: inout [Int32]) -> Int32 {
    var root = start
    while nextFree[Int(root)] != root { root = nextFree[Int(root)] }
    var node = start
    while node != root {
      let next = nextFree[Int(node)]
      nextFree[Int(node)] = root
      node = next
    }
    nextFree[Int(root)] = (root + 1) % Int32(nextFree.count)
    return root
  }
}
