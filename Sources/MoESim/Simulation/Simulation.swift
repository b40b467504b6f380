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
    onStep: (_ step: Int, _ layers: [LayerStepMetrics]) throws -> Void
  ) throws -> RunTotals {
    let layers = scenario.model.moeLayerIndices
    var totals = RunTotals(layers: layers, experts: scenario.model.moe?.experts ?? 0)
    guard let moe = scenario.model.moe, !layers.isEmpty else {
      totals.countTokensWithoutRouting(scenario.workload.tokensPerStep * scenario.workload.steps)
      return totals
    }
    switch scenario.router.kind {
    case .softmaxTopK:
      let router = SoftmaxTopK(topK: moe.topK, normalizeTopK: scenario.router.normalizeTopK)
      try run(
        router: router, moe: moe, threads: threads, kernels: kernels, totals: &totals,
        onStep: onStep)
    }
    return totals
  }

  private func run<R: Router>(
    router: R, moe: MoESpec, threads: Int, kernels: KernelSet, totals: inout RunTotals,
    onStep: (_ step: Int, _ layers: [LayerStepMetrics]) throws -> Void
  ) throws {
    let workload = scenario.workload
    let layers = totals.layers
    let source = SyntheticTokenSource(spec: workload, seed: scenario.seed)
    let routerWeights = RouterWeights(
      seed: scenario.seed, layers: layers.count, dim: workload.routerDim, experts: moe.experts,
      biasSpread: scenario.router.biasSpread, temperature: scenario.router.temperature)
    let tokens = workload.tokensPerStep, k = moe.topK, experts = moe.experts
    let dim = workload.routerDim, rowStride = routerWeights.paddedExperts
    let blockTokens = Self.blockTokens
    let blocks = (tokens + blockTokens - 1) / blockTokens
    let groupLayers = max(1, min(layers.count, Self.selectionBudgetBytes / max(1, tokens * k * 8)))
    let workers = max(1, threads)
    let capacity = Capacity.perExpert(
      tokens: tokens, topK: k, experts: experts, factor: scenario.router.capacityFactor)
    let policy = scenario.router.dropPolicy

    let weights = SharedPointer.copy(routerWeights.weights)
    let bias = SharedPointer.copy(routerWeights.bias)
    let hidden = SharedPointer<Float>.allocate(tokens * dim, 0)
    let tokenIds = SharedPointer<Int32>.allocate(tokens, 0)
    let sequenceDomains = SharedPointer<Int32>.allocate(source.sequencesPerStep, 0)
    let selected = SharedPointer<Int32>.allocate(groupLayers * tokens * k, 0)
    let gates = SharedPointer<Float>.allocate(groupLayers * tokens * k, 0)
    let logits = SharedPointer<Float>.allocate(workers * blockTokens * rowStride, 0)
    let blockProbabilities = SharedPointer<Float>.allocate(workers * rowStride, 0)
    let rowScratch = SharedPointer<Float>.allocate(workers * blockTokens, 0)
    let probabilityFixed = SharedPointer<Int64>.allocate(workers * groupLayers * experts, 0)
    let blockSums = SharedPointer<RouterBlockSums>.allocate(blocks * groupLayers, .init())
    let routed = SharedPointer<Int32>.allocate(groupLayers * experts, 0)
    let kept = SharedPointer<Int32>.allocate(groupLayers * experts, 0)
    let scratch = SharedPointer<Capacity.Scratch>.allocate(
      workers, Capacity.Scratch(assignments: tokens * k, experts: experts))
    let layerMetrics = SharedPointer<LayerStepMetrics?>.allocate(groupLayers, nil)
    defer {
      weights.deallocate(); bias.deallocate(); hidden.deallocate(); tokenIds.deallocate()
      sequenceDomains.deallocate(); selected.deallocate(); gates.deallocate()
      logits.deallocate(); blockProbabilities.deallocate(); rowScratch.deallocate()
      probabilityFixed.deallocate()
      blockSums.deallocate(); routed.deallocate(); kept.deallocate(); scratch.deallocate()
      layerMetrics.deallocate()
    }

    // Expert placement (issue 6): only when `cluster.placement` is set; off the token loop.
    var planner = scenario.cluster.placement.flatMap { spec in
      spec.shape(model: scenario.model, cluster: scenario.cluster).map {
        PlacementPlanner(spec: spec, shape: $0, layers: layers.count)
      }
    }
    let devicesPerNode = scenario.cluster.devicesPerNode
    for step in 0..<workload.steps {
      let replaced = planner?.prepare(step: step)
      let stepPlanner = planner
      var stepRouted: [[Int]] = []
      source.drawSequenceDomains(
        step: step,
        into: UnsafeMutableBufferPointer(start: sequenceDomains.base, count: sequenceDomains.count))
      ParallelWork.run(count: blocks, threads: workers) { _, block in
        let first = block * blockTokens
        source.generate(
          step: step, block: block, first: first, count: min(blockTokens, tokens - first),
          sequenceDomains: UnsafeBufferPointer(
            start: sequenceDomains.base, count: sequenceDomains.count),
          tokenIds: tokenIds + first, hidden: hidden + first * dim)
      }
      var stepMetrics: [LayerStepMetrics] = []
      stepMetrics.reserveCapacity(layers.count)
      for groupStart in stride(from: 0, to: layers.count, by: groupLayers) {
        let groupCount = min(groupLayers, layers.count - groupStart)
        probabilityFixed.fill(0)
        // Route every block through every layer of the group.
        ParallelWork.run(count: blocks, threads: workers) { worker, block in
          let first = block * blockTokens
          let count = min(blockTokens, tokens - first)
          let blockLogits = logits + worker * blockTokens * rowStride
          let probabilities = blockProbabilities + worker * rowStride
          for member in 0..<groupCount {
            let layer = groupStart + member
            kernels.logits(
              hidden + first * dim, count, dim, weights + layer * dim * rowStride,
              bias + layer * rowStride, rowStride, blockLogits)
            probabilities.update(repeating: 0, count: rowStride)
            var sums = RouterBlockSums()
            let offset = (member * tokens + first) * k
            let routerBlock = RouterBlock(
              logits: blockLogits, stride: rowStride, tokens: count, experts: experts,
              selected: selected + offset, gates: gates + offset,
              probabilitySums: probabilities, rowScratch: rowScratch + worker * blockTokens)
            router.route(routerBlock, kernels: kernels, sums: &sums)
            blockSums[block * groupLayers + member] = sums
            let fixed = probabilityFixed + (worker * groupLayers + member) * experts
            for expert in 0..<experts {
              fixed[expert] += Int64((Double(probabilities[expert]) * Self.probabilityScale).rounded())
            }
          }
        }
        // Capacity, drops and figures of each layer of the group.
        ParallelWork.run(count: groupCount, threads: workers) { worker, member in
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
          let offset = member * tokens * k
          let outcome = Capacity.apply(
            selected: selected + offset, gates: gates + offset, tokens: tokens, topK: k,
            experts: experts, capacity: capacity, policy: policy,
            scratch: &scratch.base[worker], routed: routed + member * experts,
            kept: kept + member * experts)
          let routedCounts = UnsafeBufferPointer(start: routed + member * experts, count: experts)
          let keptTotal = UnsafeBufferPointer(start: kept + member * experts, count: experts)
            .reduce(0) { $0 + Int($1) }
          layerMetrics[member] = LayerStepMetrics(
            step: step, layer: layers[groupStart + member], tokens: tokens, capacity: capacity,
            assignmentsKept: keptTotal, assignmentsDropped: tokens * k - keptTotal,
            load: LoadStatistics(routedCounts),
            entropy: sums.entropy / Double(tokens),
            auxLoss: BalancingLoss.switchAuxiliary(
              routed: routedCounts, probabilitySums: probabilitySums, tokens: tokens, topK: k),
            zLoss: BalancingLoss.zLoss(squaredLogSumExpSum: sums.squaredLogSumExp, tokens: tokens),
            droppedGateFraction: outcome.totalGateMass > 0
              ? outcome.droppedGateMass / outcome.totalGateMass : 0,
            tokensWithoutExpert: outcome.tokensWithoutExpert)
          if let stepPlanner {
            layerMetrics[member]?.devices = stepPlanner.traffic(
              layer: groupStart + member, selected: selected + offset,
              dropped: keptTotal < tokens * k ? scratch.base[worker].dropped : nil,
              tokens: tokens, topK: k, devicesPerNode: devicesPerNode, replaced: replaced)
          }
        }
        for member in 0..<groupCount {
          guard let metrics = layerMetrics[member] else { continue }
          totals.add(
            metrics, ordinal: groupStart + member, routed: routed + member * experts,
            kept: kept + member * experts)
          stepMetrics.append(metrics)
          if planner != nil {
            stepRouted.append((0..<experts).map { Int(routed[member * experts + $0]) })
          }
        }
      }
      planner?.record(stepRouted)
      try onStep(step, stepMetrics)
    }
  }
}
