import Foundation
import MoESimKernels

/// The loop that wires workload, routers, capacity and metrics together: for each step, the
/// tokens' hidden states are generated in fixed blocks, every MoE layer routes them, and each
/// layer's capacity, drops and load figures are computed.
///
/// Work is split by fixed token blocks (for generation and routing) and by layers (for capacity
/// and metrics); every block draws its own random stream, and every sum is merged either in block
/// order or in exact integer arithmetic, so outputs are byte-identical for any thread count.
/// Memory is that of one step, whatever the number of steps.
public struct Simulation: Sendable {
  public let scenario: Scenario

  /// Tokens per work block: small enough for the hidden states and logits of a block to stay in
  /// cache, fixed so that results do not depend on the thread count.
  public static let blockTokens = 256
  /// MoE layers one routing work item takes through a block.
  static let layersPerItem = 8
  /// Upper bound on the per-step selection buffers; layers are processed in groups that fit.
  static let selectionBudgetBytes = 512 << 20
  /// Fixed-point scale for summing router probabilities exactly across workers.
  static let probabilityScale = 4_294_967_296.0

  public init(scenario: Scenario) { self.scenario = scenario }

  /// Runs every step; `onStep` receives the metrics of every MoE layer of each finished step, in
  /// layer order, and may throw to stop the run (e.g. when a trace cannot be written).
  /// - Parameters:
  ///   - threads: worker threads; results do not depend on it.
  ///   - kernels: the compiled kernel variant; results do not depend on it either.
  public func run(
    threads: Int, kernels: KernelSet = .selected,
    onRouting: ((RoutedLayerStep) throws -> Void)? = nil,
    onStep: (_ step: Int, _ layers: [LayerStepMetrics]) throws -> Void
  ) throws -> RunTotals {
    let layers = scenario.model.moeLayerIndices
    var totals = RunTotals(layers: layers, experts: scenario.model.moe?.experts ?? 0)
    guard let moe = scenario.model.moe, !layers.isEmpty else {
      totals.countTokensWithoutRouting(scenario.workload.tokensPerStep * scenario.workload.steps)
      return totals
    }
    try runDispatchingRouter(
      moe: moe, threads: threads, kernels: kernels, totals: &totals, onRouting: onRouting,
      onStep: onStep)
    return totals
  }

  func run<R: Router>(
    router: R, moe: MoESpec, threads: Int, kernels: KernelSet, totals: inout RunTotals,
    onRouting: ((RoutedLayerStep) throws -> Void)? = nil,
    onStep: (_ step: Int, _ layers: [LayerStepMetrics]) throws -> Void
  ) throws {
    let workload = scenario.workload
    let layers = totals.layers
    let source = SyntheticTokenSource(spec: workload, seed: scenario.seed)
    let routerWeights = RouterWeights(
      seed: scenario.seed, layers: layers.count, dim: workload.routerDim, experts: moe.experts,
      biasSpreads: scenario.router.biasSpreadByLayer
        ?? Array(repeating: scenario.router.biasSpread, count: layers.count),
      temperature: scenario.router.temperature)
    let tokens = workload.tokensPerStep, k = router.slotsPerToken, experts = moe.experts
    let dim = workload.routerDim, rowStride = routerWeights.paddedExperts
    let blockTokens = Self.blockTokens
    let blocks = (tokens + blockTokens - 1) / blockTokens
    let plan = layerStepPlan(moe: moe, slots: k)
    let scoreBytes = plan.needsScores ? tokens * experts * 4 : 0
    let groupLayers = Int(
      WorkingMemory.layersHeldAtOnce(
        moeLayers: layers.count, tokens: tokens, slots: k, scoresPerLayerBytes: Double(scoreBytes)))
    let workers = max(1, threads)
    let chosenPerExpert = plan.expertChoiceCapacity ?? 0
    let usesSelectionBias = scenario.router.biasUpdateRate > 0
    // Token tiles (16 tokens to a vector) for routers of few experts that can take them, unless
    // the layer stage needs every token's distribution written back as a row.
    // Aux-loss training of the router weights during warm-up (`AuxLossTraining`): reads each
    // block's logits and hidden states as rows.
    let trainsWeights = scenario.router.auxLossCoefficient > 0 && scenario.routedWarmupSteps > 0
    let tiled =
      router.routesTokenTiles(experts: experts, selectionBias: usesSelectionBias)
      && !plan.needsScores && !trainsWeights
    if tiled { totals.logitsLayout = .tokenTiles }

    let weights = SharedPointer.copy(routerWeights.weights)
    let bias = SharedPointer.copy(routerWeights.bias)
    let initialBias = SharedPointer.copy(routerWeights.bias)
    let selectionBias = SharedPointer<Float>.allocate(layers.count * rowStride, 0)
    let logitCorrection = SharedPointer<Float>.allocate(layers.count * rowStride, 0)
    let hidden = SharedPointer<Float>.allocate(tokens * dim, 0)
    let hiddenTiles = SharedPointer<Float>.allocate(tiled ? blocks * blockTokens * dim : 0, 0)
    // Temporal locality: the step's context states. Cross-layer evolution: each token's
    // noise-free hidden state and its evolving noise, and each worker's hidden states (and
    // tiles) of the layer it routes.
    let evolves = source.evolvesAcrossLayers
    let context = SharedPointer<Float>.allocate(source.hasContext ? tokens * dim : 0, 0)
    let hiddenBase = SharedPointer<Float>.allocate(evolves ? tokens * dim : 0, 0)
    let noiseState = SharedPointer<Float>.allocate(evolves ? tokens * dim : 0, 0)
    let layerHidden = SharedPointer<Float>.allocate(evolves ? workers * blockTokens * dim : 0, 0)
    let layerTiles = SharedPointer<Float>.allocate(
      evolves && tiled ? workers * blockTokens * dim : 0, 0)
    let tokenIds = SharedPointer<Int32>.allocate(tokens, 0)
    let sequenceDomains = SharedPointer<Int32>.allocate(source.sequencesPerStep, 0)
    let selected = SharedPointer<Int32>.allocate(groupLayers * tokens * k, 0)
    let gates = SharedPointer<Float>.allocate(groupLayers * tokens * k, 0)
    let scores = SharedPointer<Float>.allocate(plan.needsScores ? groupLayers * tokens * experts : 0, 0)
    let picked = SharedPointer<Int32>.allocate(groupLayers * experts * chosenPerExpert, 0)
    let pickedGates = SharedPointer<Float>.allocate(groupLayers * experts * chosenPerExpert, 0)
    // Each assignment's drop flag, kept for `onRouting` (the layer stage's own flags belong to
    // its worker and are overwritten by the worker's next layer).
    let keepsDropFlags = onRouting != nil
    let droppedFlags = SharedPointer<UInt8>.allocate(keepsDropFlags ? groupLayers * tokens * k : 0, 0)
    let logits = SharedPointer<Float>.allocate(workers * blockTokens * rowStride, 0)
    let blockProbabilities = SharedPointer<Float>.allocate(workers * rowStride, 0)
    let rowScratchCount = max(blockTokens, 16 * 17)
    let rowScratch = SharedPointer<Float>.allocate(workers * rowScratchCount, 0)
    let scoreScratch = SharedPointer<Float>.allocate(workers * 2 * rowStride, 0)
    let probabilityFixed = SharedPointer<Int64>.allocate(workers * groupLayers * experts, 0)
    let blockSums = SharedPointer<RouterBlockSums>.allocate(blocks * groupLayers, .init())
    // Per-layer counts padded to whole 64-byte cache lines: neighbouring layers go to different
    // workers, which would otherwise write one line at once (false sharing, 1.2× instead of
    // 1.8× on two cores for 8 experts).
    let countStride = (experts + 15) / 16 * 16
    let routed = SharedPointer<Int32>.allocate(groupLayers * countStride, 0)
    let kept = SharedPointer<Int32>.allocate(groupLayers * countStride, 0)
    let scratch = SharedPointer<LayerStepScratch>.allocate(workers, LayerStepScratch(plan: plan))
    let layerMetrics = SharedPointer<LayerStepMetrics?>.allocate(groupLayers, nil)
    let gradientCount = trainsWeights ? dim * experts : 0
    let weightGradients = SharedPointer<Int64>.allocate(workers * groupLayers * gradientCount, 0)
    let gradientScratch = SharedPointer<Double>.allocate(
      trainsWeights ? workers * (experts + gradientCount) : 0, 0)
    let trainingFractions = SharedPointer<Double>.allocate(
      trainsWeights ? layers.count * experts : 0, 0)
    let sigmoidScores = scenario.router.kind == .sigmoidTopK
    defer {
      weightGradients.deallocate(); gradientScratch.deallocate(); trainingFractions.deallocate()
      weights.deallocate(); bias.deallocate(); hidden.deallocate(); tokenIds.deallocate()
      hiddenTiles.deallocate(); context.deallocate(); hiddenBase.deallocate()
      noiseState.deallocate(); layerHidden.deallocate(); layerTiles.deallocate()
      initialBias.deallocate(); selectionBias.deallocate(); logitCorrection.deallocate()
      sequenceDomains.deallocate(); selected.deallocate(); gates.deallocate()
      scores.deallocate(); picked.deallocate(); pickedGates.deallocate()
      logits.deallocate(); blockProbabilities.deallocate(); rowScratch.deallocate()
      scoreScratch.deallocate(); probabilityFixed.deallocate()
      blockSums.deallocate(); routed.deallocate(); kept.deallocate(); scratch.deallocate()
      layerMetrics.deallocate(); droppedFlags.deallocate()
    }

    // Expert placement: only when `cluster.placement` is set; off the token loop.
    var planner = scenario.cluster.placement.flatMap { spec in
      spec.shape(model: scenario.model, cluster: scenario.cluster).map {
        PlacementPlanner(spec: spec, shape: $0, layers: layers.count)
      }
    }
    let devicesPerNode = scenario.cluster.devicesPerNode
    // With expert data parallelism each of the `expertDP` expert-parallel groups serves its own
    // share of the step's tokens (contiguous blocks); the devices measured are the first group's.
    let expertGroups = scenario.cluster.layout.expertDP
    // Each token's first choice per layer of the group, and at the layer before the group, for
    // the cross-layer figures of a placement.
    let firstChoices = SharedPointer<Int32>.allocate(planner == nil ? 0 : groupLayers * tokens, -1)
    let previousFirstChoices = SharedPointer<Int32>.allocate(planner == nil ? 0 : tokens, -1)
    defer { firstChoices.deallocate(); previousFirstChoices.deallocate() }
    /// Draws `step`'s sequence domains and context states (serial); its blocks are then
    /// `generate`d.
    func drawDomains(step: Int) {
      source.drawSequenceDomains(
        step: step,
        into: UnsafeMutableBufferPointer(start: sequenceDomains.base, count: sequenceDomains.count))
      if source.hasContext { source.drawContext(step: step, into: context.base) }
    }
    /// Generates one block of `step`'s tokens: ids, hidden states (and their tiles).
    @Sendable func generate(step: Int, block: Int) {
      let first = block * blockTokens
      source.generate(
        step: step, block: block, first: first, count: min(blockTokens, tokens - first),
        sequenceDomains: UnsafeBufferPointer(
          start: sequenceDomains.base, count: sequenceDomains.count),
        context: source.hasContext ? UnsafePointer(context.base) : nil,
        layerState: evolves ? (hiddenBase + first * dim, noiseState + first * dim) : nil,
        tokenIds: tokenIds + first, hidden: hidden + first * dim)
      if tiled {
        TokenTiles.transpose(
          hidden: hidden + first * dim, tokens: min(blockTokens, tokens - first), dim: dim,
          into: hiddenTiles + first * dim)
      }
    }
    // The first step's tokens; each later step's are generated alongside the previous step's
    // last layer stage (which no longer reads them), one phase fewer per step and its blocks
    // filling the gaps the layers leave.
    // Warm-up steps (router.warmup_steps) come first, numbered −W ..< 0 so that their streams
    // never meet the measured steps': they move the balancing biases and nothing else, so
    // without a balancing controller there are none (`Scenario.routedWarmupSteps`).
    let firstStep = -scenario.routedWarmupSteps
    if workload.steps > 0 {
      drawDomains(step: firstStep)
      ParallelWork.run(count: blocks, threads: workers) { _, block in
        generate(step: firstStep, block: block)
      }
    }
    for step in firstStep..<workload.steps {
      let measured = step >= 0
      let replaced = measured ? planner?.prepare(step: step) : nil
      let stepPlanner = measured ? planner : nil
      var stepRouted: [[Int]] = []
      var stepMetrics: [LayerStepMetrics] = []
      stepMetrics.reserveCapacity(layers.count)
      for groupStart in stride(from: 0, to: layers.count, by: groupLayers) {
        let groupCount = min(groupLayers, layers.count - groupStart)
        probabilityFixed.fill(0)
        // The first warm-up step only measures the fractions the next one's gradient uses.
        let trainsStep = trainsWeights && step < 0 && step > firstStep
        if trainsStep { weightGradients.fill(0) }
        // Route every block through every layer of the group, a few layers per work item: many
        // small items keep both workers busy to the end of the phase.
        // An evolving hidden state passes the layers in order, so a block takes the whole group.
        let layersPerItem = evolves ? groupCount : Self.layersPerItem
        let spans = (groupCount + layersPerItem - 1) / layersPerItem
        ParallelWork.run(count: blocks * spans, threads: workers) { worker, item in
          let block = item / spans
          let span = item % spans
          let first = block * blockTokens
          let count = min(blockTokens, tokens - first)
          let blockLogits = logits + worker * blockTokens * rowStride
          let probabilities = blockProbabilities + worker * rowStride
          let members = span * layersPerItem..<min(groupCount, (span + 1) * layersPerItem)
          for member in members {
            let layer = groupStart + member
            var layerInput = hidden + first * dim
            var layerInputTiles = hiddenTiles + first * dim
            if evolves && layer > 0 {
              layerInput = layerHidden + worker * blockTokens * dim
              source.evolve(
                step: step, block: block, ordinal: layer, count: count,
                base: hiddenBase + first * dim,
                context: source.hasContext ? UnsafePointer(context + first * dim) : nil,
                noise: noiseState + first * dim, hidden: layerInput)
              if tiled {
                layerInputTiles = layerTiles + worker * blockTokens * dim
                TokenTiles.transpose(
                  hidden: layerInput, tokens: count, dim: dim, into: layerInputTiles)
              }
            }
            if tiled {
              kernels.tileLogits(
                layerInputTiles, count, dim, weights + layer * dim * rowStride,
                bias + layer * rowStride, rowStride, experts, blockLogits)
            } else {
              kernels.logits(
                layerInput, count, dim, weights + layer * dim * rowStride,
                bias + layer * rowStride, rowStride, blockLogits)
            }
            if trainsStep {
              AuxLossTraining.accumulate(
                hidden: layerInput, logits: blockLogits, stride: rowStride, tokens: count,
                dim: dim, experts: experts, sigmoid: sigmoidScores,
                fractions: trainingFractions + layer * experts, tokensPerStep: tokens,
                scratch: gradientScratch + worker * (experts + gradientCount),
                gradient: weightGradients + (worker * groupLayers + member) * gradientCount)
            }
            probabilities.update(repeating: 0, count: rowStride)
            var sums = RouterBlockSums()
            let offset = (member * tokens + first) * k
            let routerBlock = RouterBlock(
              logits: blockLogits, stride: rowStride, tokens: count, experts: experts,
              selected: selected + offset, gates: gates + offset,
              probabilitySums: probabilities, rowScratch: rowScratch + worker * rowScratchCount,
              scoreScratch: scoreScratch + worker * 2 * rowStride, tokenIds: tokenIds + first,
              selectionBias: usesSelectionBias
                ? UnsafePointer(selectionBias + layer * rowStride) : nil,
              randomKey: RouterRandomKey(
                seed: scenario.seed, step: step, layer: layer, block: block))
            if tiled {
              router.routeTiles(routerBlock, kernels: kernels, sums: &sums)
            } else {
              router.route(routerBlock, kernels: kernels, sums: &sums)
            }
            blockSums[block * groupLayers + member] = sums
            if plan.needsScores {
              let destination = scores + (member * tokens + first) * experts
              for token in 0..<count {
                (destination + token * experts).update(
                  from: blockLogits + token * rowStride, count: experts)
              }
            }
            let fixed = probabilityFixed + (worker * groupLayers + member) * experts
            for expert in 0..<experts {
              fixed[expert] += Int64((Double(probabilities[expert]) * Self.probabilityScale).rounded())
            }
          }
        }
        // Capacity, drops, figures and bias updates of each layer of the group; after the last
        // group, the next step's token blocks too (all of this step's routing is done).
        let nextStep = groupStart + groupCount == layers.count && step + 1 < workload.steps
        if nextStep { drawDomains(step: step + 1) }
        ParallelWork.run(count: groupCount + (nextStep ? blocks : 0), threads: workers) {
          worker, item in
          guard item < groupCount else {
            generate(step: step + 1, block: item - groupCount)
            return
          }
          let member = item
          var fixedSums = [Int64](repeating: 0, count: experts)
          for source in 0..<workers {
            let fixed = probabilityFixed + (source * groupLayers + member) * experts
            for expert in 0..<experts { fixedSums[expert] += fixed[expert] }
          }
          let probabilitySums = fixedSums.map { Double($0) / Self.probabilityScale }
          var sums = RouterBlockSums()
          for block in 0..<blocks {
            let blockSum = blockSums[block * groupLayers + member]
            sums.squaredLogSumExp += blockSum.squaredLogSumExp
            sums.entropy += blockSum.entropy
          }
          let layer = groupStart + member
          let buffers = LayerStepBuffers(
            selected: selected + member * tokens * k, gates: gates + member * tokens * k,
            scores: plan.needsScores ? UnsafePointer(scores + member * tokens * experts) : nil,
            routed: routed + member * countStride, kept: kept + member * countStride,
            selectionBias: selectionBias + layer * rowStride,
            logitCorrection: logitCorrection + layer * rowStride,
            logitBias: bias + layer * rowStride,
            initialLogitBias: UnsafePointer(initialBias + layer * rowStride),
            picked: picked + member * experts * chosenPerExpert,
            pickedGates: pickedGates + member * experts * chosenPerExpert,
            firstChoices: stepPlanner == nil ? nil : firstChoices + member * tokens)
          layerMetrics[member] = LayerStep.finish(
            plan: plan, buffers: buffers, step: step, layer: layers[layer],
            probabilitySums: probabilitySums, sums: sums, scratch: &scratch.base[worker])
          if keepsDropFlags, let metrics = layerMetrics[member] {
            let flags = droppedFlags + member * tokens * k
            if metrics.assignmentsDropped > 0 && plan.expertChoiceCapacity == nil {
              scratch.base[worker].capacity.dropped.withUnsafeBufferPointer {
                flags.update(from: $0.baseAddress!, count: tokens * k)
              }
            } else {
              flags.update(repeating: 0, count: tokens * k)
            }
          }
          if trainsWeights && step < 0 {
            if trainsStep {
              AuxLossTraining.step(
                weights: weights + layer * dim * rowStride, stride: rowStride, dim: dim,
                experts: experts, gradients: weightGradients + member * gradientCount,
                parts: workers, partStride: groupLayers * gradientCount,
                coefficient: scenario.router.auxLossCoefficient)
            }
            AuxLossTraining.recordFractions(
              routed: routed + member * countStride, experts: experts,
              into: trainingFractions + layer * experts)
          }
          if let stepPlanner, let metrics = layerMetrics[member] {
            layerMetrics[member]?.devices = stepPlanner.traffic(
              layer: layer, selected: selected + member * tokens * k,
              dropped: metrics.assignmentsDropped > 0 ? scratch.base[worker].capacity.dropped : nil,
              tokens: max(1, tokens / expertGroups), topK: k, devicesPerNode: devicesPerNode,
              replaced: replaced)
          }
        }
        for member in 0..<groupCount {
          guard measured, var metrics = layerMetrics[member] else { continue }
          if let planner {
            let previous = member == 0 ? previousFirstChoices.base : firstChoices + (member - 1) * tokens
            metrics.crossLayer =
              groupStart + member == 0
              ? nil
              : planner.sameDeviceFirstChoices(
                layer: groupStart + member, previous: previous,
                current: firstChoices + member * tokens, tokens: tokens)
            if member == groupCount - 1 {
              previousFirstChoices.base.update(from: firstChoices + member * tokens, count: tokens)
            }
          }
          totals.add(
            metrics, ordinal: groupStart + member, routed: routed + member * countStride,
            kept: kept + member * countStride)
          stepMetrics.append(metrics)
          try onRouting?(
            RoutedLayerStep(
              step: step, layer: layers[groupStart + member], tokens: tokens, slots: k,
              experts: experts, selected: selected + member * tokens * k,
              gates: gates + member * tokens * k, chosenPerExpert: chosenPerExpert,
              picked: picked + member * experts * chosenPerExpert,
              pickedGates: pickedGates + member * experts * chosenPerExpert,
              dropped: droppedFlags + member * tokens * k))
          if planner != nil {
            stepRouted.append((0..<experts).map { Int(routed[member * countStride + $0]) })
          }
        }
      }
      guard measured else { continue }
      planner?.record(stepRouted)
      try onStep(step, stepMetrics)
    }
    totals.finalPlacement = planner?.current(layers: layers)
  }
}
