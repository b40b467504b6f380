/// The two greedy steps shared by the load-driven placements, after DeepSeek's EPLB
/// (github.com/deepseek-ai/EPLB, `eplb.py`: `replicate_experts` and `balanced_packing`).
enum Packing {
  /// Items in decreasing weight, ties by index: a fixed order so plans are deterministic.
  static func heaviestFirst(_ weights: [Double]) -> [Int] {
    weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
  }

  /// Packs items into `packs` packs of exactly `items / packs` items each: heaviest item first,
  /// each into the lightest pack that still has room (ties: lowest pack). Returns each item's
  /// pack and its rank inside the pack.
  /// - Precondition: `weights.count` is a multiple of `packs`.
  static func balanced(_ weights: [Double], packs: Int) -> (pack: [Int], rank: [Int]) {
    let perPack = weights.count / packs
    var pack = [Int](repeating: 0, count: weights.count)
    var rank = pack
    var packWeight = [Double](repeating: 0, count: packs)
    var packItems = [Int](repeating: 0, count: packs)
    for item in heaviestFirst(weights) {
      var best = -1
      for candidate in 0..<packs where packItems[candidate] < perPack {
        if best < 0 || packWeight[candidate] < packWeight[best] { best = candidate }
      }
      pack[item] = best
      rank[item] = packItems[best]
      packWeight[best] += weights[item]
      packItems[best] += 1
    }
    return (pack, rank)
  }

  /// Slot list for `slots` physical slots: every expert once (in expert order), then each
  /// redundant slot to the expert whose load per replica is currently largest (ties: lowest
  /// expert), which minimises the largest load per replica.
  static func replicate(_ loads: [Double], slots: Int) -> [Int] {
    var slotExperts = Array(loads.indices)
    var counts = [Int](repeating: 1, count: loads.count)
    for _ in loads.count..<max(slots, loads.count) {
      var best = 0
      for expert in loads.indices
      where loads[expert] / Double(counts[expert]) > loads[best] / Double(counts[best]) {
        best = expert
      }
      slotExperts.append(best)
      counts[best] += 1
    }
    return slotExperts
  }

  /// Lays `slotExperts` out device by device from each slot's pack (device) and rank.
  static func layout(_ slotExperts: [Int], pack: [Int], rank: [Int], perDevice: Int) -> [Int] {
    var placed = [Int](repeating: 0, count: slotExperts.count)
    for index in slotExperts.indices {
      placed[pack[index] * perDevice + rank[index]] = slotExperts[index]
    }
    return placed
  }
}
