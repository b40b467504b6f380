import Foundation

/// How predictable a token's first-choice expert at the next MoE layer is from its first choice
/// at this one — the expert affinity across layers that affinity-aware placement exploits (Yao
/// et al. 2024, *ExFlow*, arXiv:2401.08383, §3). Over the run, `N_ij` counts the tokens with
/// first choice `i` here and `j` at the next MoE layer; the rate is Theil's uncertainty
/// coefficient `U = I(i; j) / H(j)`, the share of the next layer's first-choice entropy that
/// this layer's first choice explains: 0 for independent layers, 1 when it fixes the next.
///
/// Mutual information rather than a most-frequent-successor share: it uses every cell of `N`,
/// so it moves little with the chance popularity of a few experts, and it does not depend on how
/// experts are numbered. From a finite run it is biased upward by about `(E − 1)² / (2N·H)`
/// (Miller 1955); a fit compares it between runs of one shape, so the bias cancels. First
/// choices follow `RoutingLocality.firstChoice`; routers that give tokens no slots (expert
/// choice) have no first choice and are not counted.
public struct CrossLayerAffinity: Sendable, Equatable {
  let layers: Int
  let experts: Int
  /// `(layers − 1) × experts × experts` counts.
  var counts: [Int]
  /// First choices of the current step at the last MoE layer seen, and its ordinal and step.
  var previous: [Int32] = []
  var previousOrdinal = -1
  var previousStep = -1

  public init(layers: Int, experts: Int) {
    self.layers = layers
    self.experts = experts
    counts = [Int](repeating: 0, count: max(0, layers - 1) * experts * experts)
  }

  /// Counts one layer's routing; layers of a step arrive in order.
  mutating func add(_ routed: RoutedLayerStep, ordinal: Int) {
    guard routed.slots > 0 else { return }
    let current = (0..<routed.tokens).map {
      RoutingLocality.firstChoice(
        token: $0, selected: routed.selected, gates: routed.gates, slots: routed.slots)
    }
    if ordinal == previousOrdinal + 1, routed.step == previousStep,
      previous.count == current.count
    {
      let base = previousOrdinal * experts * experts
      for (before, after) in zip(previous, current) where before >= 0 && after >= 0 {
        counts[base + Int(before) * experts + Int(after)] += 1
      }
    }
    previous = current
    previousOrdinal = ordinal
    previousStep = routed.step
  }

  /// The uncertainty coefficient from MoE layer `ordinal` to the next; nil for the last layer
  /// or without tokens.
  public func rate(ordinal: Int) -> Double? {
    guard ordinal < layers - 1 else { return nil }
    let base = ordinal * experts * experts
    var before = [Double](repeating: 0, count: experts)
    var after = before
    var total = 0.0
    for from in 0..<experts {
      for to in 0..<experts {
        let count = Double(counts[base + from * experts + to])
        before[from] += count
        after[to] += count
        total += count
      }
    }
    var information = 0.0
    var entropy = 0.0
    for from in 0..<experts {
      for to in 0..<experts {
        let count = Double(counts[base + from * experts + to])
        guard count > 0 else { continue }
        information += count / total * log(count * total / (before[from] * after[to]))
      }
    }
    for count in after where count > 0 { entropy -= count / total * log(count / total) }
    return entropy > 0 ? information / entropy : nil
  }
}
