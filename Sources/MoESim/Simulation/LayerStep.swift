/// The per-layer half of a step, once every block is routed: capacity and drops (or expert
/// choice), load figures, losses, and the balancing-bias updates for the next step.
struct LayerStepPlan: Sendable {
  var tokens: Int
  /// Slots per token in the selection buffers (0 for expert choice).
  var slots: Int
  var experts: Int
  var capacity: CapacityPlan
  var policy: DropPolicy
  /// Tokens per expert when the experts choose (expert choice); nil for token choice.
  var expertChoiceCapacity: Int?
  var padToCapacity: Bool
  var sequenceAuxLoss: Bool
  var sequenceLength: Int
  /// γ of aux-loss-free balancing; 0 = off.
  var biasUpdateRate: Float
  /// α of the first-order aux-loss correction; 0 = off.
  var auxBiasCoefficient: Double

  /// Whether the stage needs every token's router distribution for the step.
  var needsScores: Bool {
    expertChoiceCapacity != nil || sequenceAuxLoss || auxBiasCoefficient > 0
  }
}

/// Reusable per-worker buffers of the layer stage.
struct LayerStepScratch {
  var capacity: Capacity.Scratch
  var expertChoice: ExpertChoice.Scratch
  /// `2 × experts` doubles.
  var doubles: [Double]

  init(plan: LayerStepPlan) {
    capacity = Capacity.Scratch(assignments: plan.tokens * plan.slots, experts: plan.experts)
    expertChoice = ExpertChoice.Scratch(tokens: plan.expertChoiceCapacity == nil ? 0 : plan.tokens)
    doubles = [Double](repeating: 0, count: 2 * plan.experts)
  }
}

/// Where one layer's step lives.
struct LayerStepBuffers {
  var selected: UnsafeMutablePointer<Int32>
  var gates: UnsafeMutablePointer<Float>
  /// `tokens × experts` router distributions, when the plan needs them.
  var scores: UnsafePointer<Float>?
  var routed: UnsafeMutablePointer<Int32>
  var kept: UnsafeMutablePointer<Int32>
  /// The layer's selection bias, logit correction and the logits kernel's bias row (`experts`
  /// each), and the bias row the run started from.
  var selectionBias: UnsafeMutablePointer<Float>
  var logitCorrection: UnsafeMutablePointer<Float>
  var logitBias: UnsafeMutablePointer<Float>
  var initialLogitBias: UnsafePointer<Float>
  /// `experts × C` tokens and gates picked by expert choice.
  var picked: UnsafeMutablePointer<Int32>
  var pickedGates: UnsafeMutablePointer<Float>
  /// Where to write each token's first-choice expert (`tokens`), when the cross-layer figures
  /// need it.
  var firstChoices: UnsafeMutablePointer<Int32>? = nil
}

enum LayerStep {
  /// Finishes one layer's step and updates its balancing biases for the next step.
  static func finish(
    plan: LayerStepPlan, buffers b: LayerStepBuffers, step: Int, layer: Int,
    probabilitySums: [Double], sums: RouterBlockSums, scratch: inout LayerStepScratch
  ) -> LayerStepMetrics {
    let tokens = plan.tokens
    let experts = plan.experts
    var outcome = Capacity.Outcome()
    var capacity = plan.capacity.reported(tokens: tokens)
    if let chosen = plan.expertChoiceCapacity, let scores = b.scores {
      let choice = ExpertChoice.assign(
        scores: scores, tokens: tokens, experts: experts, capacity: chosen,
        scratch: &scratch.expertChoice, picked: b.picked, pickedGates: b.pickedGates)
      b.routed.initialize(repeating: Int32(chosen), count: experts)
      b.kept.initialize(repeating: Int32(chosen), count: experts)
      outcome.tokensWithoutExpert = choice.tokensWithoutExpert
      outcome.totalGateMass = choice.gateMass
      outcome.capacitySlots = chosen * experts
      capacity = chosen
    } else {
      outcome = Capacity.apply(
        plan: plan.capacity, selected: b.selected, gates: b.gates, tokens: tokens,
        slots: plan.slots, policy: plan.policy, scratch: &scratch.capacity, routed: b.routed,
        kept: b.kept)
    }
    let routedCounts = UnsafeBufferPointer(start: b.routed, count: experts)
    let routedTotal = routedCounts.reduce(0) { $0 + Int($1) }
    let keptTotal = UnsafeBufferPointer(start: b.kept, count: experts).reduce(0) { $0 + Int($1) }
    var metrics = LayerStepMetrics(
      step: step, layer: layer, tokens: tokens, capacity: capacity,
      assignmentsKept: keptTotal, assignmentsDropped: routedTotal - keptTotal,
      load: LoadStatistics(routedCounts), entropy: sums.entropy / Double(tokens),
      auxLoss: BalancingLoss.switchAuxiliary(
        routed: routedCounts, probabilitySums: probabilitySums, tokens: tokens),
      zLoss: BalancingLoss.zLoss(squaredLogSumExpSum: sums.squaredLogSumExp, tokens: tokens),
      droppedGateFraction: outcome.totalGateMass > 0
        ? outcome.droppedGateMass / outcome.totalGateMass : 0,
      tokensWithoutExpert: outcome.tokensWithoutExpert)
    if plan.slots > 0 {
      metrics.locality = RoutingLocality.measure(
        selected: b.selected, gates: b.gates, tokens: tokens, slots: plan.slots,
        sequenceLength: plan.sequenceLength)
      if let firstChoices = b.firstChoices {
        for token in 0..<tokens {
          firstChoices[token] = RoutingLocality.firstChoice(
            token: token, selected: b.selected, gates: b.gates, slots: plan.slots)
        }
      }
    }
    if plan.padToCapacity && outcome.capacitySlots > 0 {
      metrics.paddedSlots = outcome.capacitySlots - keptTotal
    }
    metrics.bias = BiasSummary(experts, b.selectionBias, b.logitCorrection)
    scratch.doubles.withUnsafeMutableBufferPointer { doubles in
      guard let first = doubles.baseAddress else { return }
      let second = first + experts
      if plan.sequenceAuxLoss, plan.expertChoiceCapacity == nil, let scores = b.scores {
        metrics.sequenceAuxLoss = BalancingLoss.sequenceAuxiliary(
          selected: b.selected, slots: plan.slots, scores: scores, tokens: tokens,
          experts: experts, sequenceLength: plan.sequenceLength, counts: first)
      }
      if plan.biasUpdateRate > 0 {
        BiasController.updateAuxFree(
          bias: b.selectionBias, routed: b.routed, experts: experts, rate: plan.biasUpdateRate)
      }
      if plan.auxBiasCoefficient > 0, let scores = b.scores, routedTotal > 0 {
        for expert in 0..<experts { first[expert] = Double(b.routed[expert]) / Double(routedTotal) }
        BalancingLoss.switchAuxiliaryGradient(
          fractions: first, scores: scores, tokens: tokens, experts: experts, gradient: second)
        BiasController.applyAuxGradient(
          correction: b.logitCorrection, gradient: second, experts: experts,
          coefficient: plan.auxBiasCoefficient)
        for expert in 0..<experts {
          b.logitBias[expert] = b.initialLogitBias[expert] + b.logitCorrection[expert]
        }
      }
    }
    return metrics
  }
}
