/// How much consecutive tokens of a sequence route alike, counted exactly so that sums over
/// blocks, layers and steps do not depend on the order they are added in.
///
/// The first choice of a token is the expert of its largest gate (the lower slot among equal
/// gates); Jiang et al. 2024 (*Mixtral of Experts*, arXiv:2401.04088, §5, Table 5) report the
/// share of consecutive tokens whose first choice repeats, which is 1/E when routing ignores
/// the previous token.
public struct RoutingLocality: Sendable, Equatable {
  /// Pairs of consecutive tokens of one sequence (tokens t and t+1, both with an expert).
  public var consecutivePairs = 0
  /// Pairs whose first-choice expert is the same.
  public var firstChoiceRepeats = 0
  /// Σ over pairs of the experts both tokens chose (|S_t ∩ S_{t+1}|).
  public var sharedChoices = 0
  /// Pairs that chose at least one expert in common (Table 5's "first or second choice" for
  /// top-2: random routing gives `1 − C(E−k, k) / C(E, k)`, 46 % for 8 experts and top-2).
  public var pairsSharingAChoice = 0
  /// Choices per token (`k`).
  public var slots = 0

  public init() {}

  /// Share of consecutive pairs whose first choice repeats; nil without pairs.
  public var firstChoiceRepeatRate: Double? {
    consecutivePairs > 0 ? Double(firstChoiceRepeats) / Double(consecutivePairs) : nil
  }

  /// Share of consecutive pairs with a choice in common; nil without pairs.
  public var sharedChoiceRate: Double? {
    consecutivePairs > 0 ? Double(pairsSharingAChoice) / Double(consecutivePairs) : nil
  }

  /// Mean share of a token's `k` choices that the previous token also chose; nil without
  /// pairs.
  public var topKOverlap: Double? {
    consecutivePairs > 0 ? Double(sharedChoices) / Double(consecutivePairs * slots) : nil
  }

  mutating func add(_ other: RoutingLocality) {
    consecutivePairs += other.consecutivePairs
    firstChoiceRepeats += other.firstChoiceRepeats
    sharedChoices += other.sharedChoices
    pairsSharingAChoice += other.pairsSharingAChoice
    slots = max(slots, other.slots)
  }

  /// The first-choice expert of `token` (-1 when every slot is empty).
  static func firstChoice(
    token: Int, selected: UnsafePointer<Int32>, gates: UnsafePointer<Float>, slots: Int
  ) -> Int32 {
    var best: Int32 = -1
    var bestGate = -Float.infinity
    for slot in 0..<slots {
      let index = token * slots + slot
      if selected[index] >= 0 && (best < 0 || gates[index] > bestGate) {
        best = selected[index]
        bestGate = gates[index]
      }
    }
    return best
  }

  /// Counts one layer's step: `selected` and `gates` are `tokens × slots` in token order, and
  /// sequences are consecutive runs of `sequenceLength` tokens (the last may be shorter).
  static func measure(
    selected: UnsafePointer<Int32>, gates: UnsafePointer<Float>, tokens: Int, slots: Int,
    sequenceLength: Int
  ) -> RoutingLocality {
    var locality = RoutingLocality()
    locality.slots = slots
    guard sequenceLength > 1, tokens > 1, slots > 0 else { return locality }
    var previous = firstChoice(token: 0, selected: selected, gates: gates, slots: slots)
    for token in 1..<tokens {
      let current = firstChoice(token: token, selected: selected, gates: gates, slots: slots)
      defer { previous = current }
      guard token % sequenceLength != 0, previous >= 0, current >= 0 else { continue }
      locality.consecutivePairs += 1
      if current == previous { locality.firstChoiceRepeats += 1 }
      let earlier = selected + (token - 1) * slots
      let later = selected + token * slots
      var pairShared = 0
      if slots <= 16 {
        for slot in 0..<slots where later[slot] >= 0 {
          var shared = 0
          for other in 0..<slots where earlier[other] == later[slot] { shared = 1 }
          pairShared += shared
        }
      } else {
        // Many slots (up to every expert): membership in a set, not a scan per slot.
        let earlierChoices = Set(UnsafeBufferPointer(start: earlier, count: slots))
        for slot in 0..<slots where later[slot] >= 0 && earlierChoices.contains(later[slot]) {
          pairShared += 1
        }
      }
      locality.sharedChoices += pairShared
      if pairShared > 0 { locality.pairsSharingAChoice += 1 }
    }
    return locality
  }
}
