import MoESimKernels

extension Simulation {
  /// Builds the scenario's router and runs the loop specialised for it: one generic
  /// instantiation per router kind, so no existential sits in the per-token path.
  func runDispatchingRouter(
    moe: MoESpec, threads: Int, kernels: KernelSet, totals: inout RunTotals,
    onRouting: ((RoutedLayerStep) throws -> Void)? = nil,
    recordLogits: SharedPointer<Float>? = nil,
    onStep: (_ step: Int, _ layers: [LayerStepMetrics]) throws -> Void
  ) throws {
    let spec = scenario.router
    let limit = GroupLimit(
      groups: spec.groups, topKGroups: spec.topKGroups,
      scoredExperts: spec.groupScore.scoredExperts(topK: moe.topK, topKGroups: spec.topKGroups))
    let scaling = Float(spec.routedScalingFactor)
    let trace = try loadTrace(moe: moe)
    if let trace, trace.content == .decisions {
      try run(
        router: RecordedRouter(trace: trace), moe: moe, threads: threads, kernels: kernels,
        totals: &totals, onRouting: onRouting, onStep: onStep)
      return
    }
    func go(_ router: some Router, _ totals: inout RunTotals) throws {
      if let recordLogits {
        try run(
          router: RecordingLogits(
            inner: router, buffer: recordLogits, tokens: scenario.workload.tokensPerStep),
          moe: moe, threads: threads, kernels: kernels, totals: &totals, onRouting: onRouting,
          onStep: onStep)
      } else if let trace {
        try run(
          router: ReplayedLogits(inner: router, trace: trace), moe: moe, threads: threads,
          kernels: kernels, totals: &totals, onRouting: onRouting, onStep: onStep)
      } else {
        try run(
          router: router, moe: moe, threads: threads, kernels: kernels, totals: &totals,
          onRouting: onRouting, onStep: onStep)
      }
    }
    switch spec.kind {
    case .softmaxTopK:
      try go(
        SoftmaxTopK(
          topK: moe.topK, normalizeTopK: spec.normalizeTopK, order: spec.scoreOrder,
          scalingFactor: scaling, limit: limit), &totals)
    case .sigmoidTopK:
      try go(
        SigmoidTopK(
          topK: moe.topK, normalizeTopK: spec.normalizeTopK, scalingFactor: scaling, limit: limit),
        &totals)
    case .switchTop1:
      try go(SwitchRouter(limit: limit), &totals)
    case .gshardTop2:
      try go(GShardTop2(limit: limit), &totals)
    case .expertChoice:
      try go(ExpertChoice(), &totals)
    case .hash:
      try go(HashRouter(topK: moe.topK, seed: scenario.seed), &totals)
    case .noisyTopK:
      try go(NoisyTopK(topK: moe.topK, noiseStd: Float(spec.noiseStd), limit: limit), &totals)
    }
  }

  /// The recorded routing of a `trace` workload, read and checked row by row; nil otherwise.
  func loadTrace(moe: MoESpec) throws -> RoutingTrace? {
    let workload = scenario.workload
    guard workload.kind == .trace, let path = workload.trace else { return nil }
    return try RoutingTrace.load(
      path: path, format: workload.format, steps: workload.steps,
      moeLayers: scenario.model.moeLayerIndices,
      tokens: workload.tokensPerStep, experts: moe.experts, topK: moe.topK)
  }

  /// The per-layer settings of the scenario for a router with `slots` slots per token.
  func layerStepPlan(moe: MoESpec, slots: Int) -> LayerStepPlan {
    let spec = scenario.router
    let workload = scenario.workload
    return LayerStepPlan(
      tokens: workload.tokensPerStep, slots: slots, experts: moe.experts,
      capacity: CapacityPlan(
        factor: spec.capacityFactor, scope: spec.capacityScope,
        sequenceLength: workload.sequenceLength, topK: moe.topK, experts: moe.experts,
        minimum: spec.minCapacity),
      policy: spec.dropPolicy,
      expertChoiceCapacity: spec.kind == .expertChoice && slots == 0
        ? ExpertChoice.capacity(
          tokens: workload.tokensPerStep, topK: moe.topK, experts: moe.experts,
          factor: spec.capacityFactor) : nil,
      padToCapacity: spec.padToCapacity, sequenceAuxLoss: spec.sequenceAuxLoss,
      sequenceLength: workload.sequenceLength, biasUpdateRate: Float(spec.biasUpdateRate),
      auxBiasCoefficient: spec.auxBiasCoefficient)
  }
}

extension Scenario {
  /// The capacity per expert each step reports: per batch, per full-length sequence
  /// (`router.capacity_scope = "sequence"`), or the tokens each expert picks (expert choice);
  /// nil when dropless or dense.
  public var capacityPerExpert: Int? {
    guard let moe = model.moe else { return nil }
    let tokens = workload.tokensPerStep
    if router.kind == .expertChoice {
      return ExpertChoice.capacity(
        tokens: tokens, topK: moe.topK, experts: moe.experts, factor: router.capacityFactor)
    }
    return CapacityPlan(
      factor: router.capacityFactor, scope: router.capacityScope,
      sequenceLength: workload.sequenceLength, topK: moe.topK, experts: moe.experts,
      minimum: router.minCapacity
    ).reported(tokens: tokens)
  }
}
