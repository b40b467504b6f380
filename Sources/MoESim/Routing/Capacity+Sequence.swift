import Foundation

/// How capacity is set for one layer's step: per batch (the whole step, Megatron-Core's
/// `get_capacity` over the batch's tokens) or per sequence (each sequence of L tokens gets its
/// own `ceil(L · k / E · capacity_factor)` slots per expert and drops within itself, as when
/// every sequence is routed as its own batch, e.g. GShard's groups or one sequence per
/// micro-batch).
struct CapacityPlan: Sendable, Equatable {
  var factor: Double?
  var scope: CapacityScope
  var sequenceLength: Int
  var topK: Int
  var experts: Int
  /// The smallest capacity per expert (`router.min_capacity`).
  var minimum: Int = 0

  /// The capacity reported for the step: of the whole batch, or of one full-length sequence.
  func reported(tokens: Int) -> Int? {
    let scoped = scope == .batch ? tokens : min(sequenceLength, tokens)
    return Capacity.perExpert(
      tokens: scoped, topK: topK, experts: experts, factor: factor, minimum: minimum)
  }
}

extension Capacity {
  /// Capacity and drops under `plan`; per batch this is `apply` once, per sequence it is `apply`
  /// on each sequence (the last may be shorter), with the counts summed. Per sequence,
  /// `scratch.dropped` ends up flagging the whole step's assignments, each at its own index, as
  /// per batch whenever anything is dropped.
  static func apply(
    plan: CapacityPlan, selected: UnsafePointer<Int32>, gates: UnsafePointer<Float>,
    tokens: Int, slots k: Int, policy: DropPolicy, scratch: inout Scratch,
    routed: UnsafeMutablePointer<Int32>, kept: UnsafeMutablePointer<Int32>
  ) -> Outcome {
    let experts = plan.experts
    guard plan.scope == .sequence, plan.factor != nil else {
      let capacity = perExpert(
        tokens: tokens, topK: plan.topK, experts: experts, factor: plan.factor,
        minimum: plan.minimum)
      var outcome = apply(
        selected: selected, gates: gates, tokens: tokens, topK: k, experts: experts,
        capacity: capacity, policy: policy, scratch: &scratch, routed: routed, kept: kept)
      outcome.capacitySlots = (capacity ?? 0) * experts
      return outcome
    }
    routed.initialize(repeating: 0, count: experts)
    kept.initialize(repeating: 0, count: experts)
    var total = Outcome()
    var sequenceRouted = [Int32](repeating: 0, count: experts)
    var sequenceKept = [Int32](repeating: 0, count: experts)
    // Each sequence's `apply` flags its drops from index 0 of `scratch.dropped`; they are
    // gathered here at the step's indices.
    var stepDropped = [UInt8](repeating: 0, count: scratch.dropped.count)
    var first = 0
    while first < tokens {
      let length = min(plan.sequenceLength, tokens - first)
      let capacity = perExpert(
        tokens: length, topK: plan.topK, experts: experts, factor: plan.factor,
        minimum: plan.minimum)
      let outcome = apply(
        selected: selected + first * k, gates: gates + first * k, tokens: length, topK: k,
        experts: experts, capacity: capacity, policy: policy, scratch: &scratch,
        routed: &sequenceRouted, kept: &sequenceKept)
      var droppedHere = false
      for expert in 0..<experts {
        routed[expert] += sequenceRouted[expert]
        kept[expert] += sequenceKept[expert]
        droppedHere = droppedHere || sequenceKept[expert] != sequenceRouted[expert]
      }
      if droppedHere {
        for index in 0..<length * k { stepDropped[first * k + index] = scratch.dropped[index] }
      }
      total.droppedGateMass += outcome.droppedGateMass
      total.totalGateMass += outcome.totalGateMass
      total.tokensWithoutExpert += outcome.tokensWithoutExpert
      total.capacitySlots += (capacity ?? 0) * experts
      first += length
    }
    swap(&stepDropped, &scratch.dropped)
    return total
  }
}
