/// One step's per-device figures summed over its MoE layers, and the step's time.
public struct ClusterStep: Sendable, Equatable {
  /// One device's sums over the step's MoE layers.
  public struct Device: Sendable, Equatable {
    public var sourceTokens = 0
    public var assignments = 0
    public var slotsTouched = 0
    public var slotsReplaced = 0
    public var expertFLOPs = 0.0
    /// FLOPs of attention, dense blocks, shared experts, router and head.
    public var denseFLOPs = 0.0
    /// KV-cache bytes read (decode) or written (prefill).
    public var kvCacheBytes = 0.0
    /// HBM bytes of every part: weights, activations, KV cache.
    public var hbmBytes = 0.0
    /// The part of `hbmBytes` that is weights (passes included), of the shards
    /// `WeightSharding` puts on the device.
    public var weightBytes = 0.0
    public var allToAllIntraBytes = 0.0
    public var allToAllInterBytes = 0.0
    public var gradientBytes = 0.0
    /// Bytes sent in tensor-parallel collectives.
    public var tensorParallelBytes = 0.0
    public var messages = 0
    public var computeSeconds = 0.0
    public var communicationSeconds = 0.0
    /// Copy of re-planned expert weights (`cluster.cost.charge_replan_copy`).
    public var replanSeconds = 0.0
    public var busySeconds = 0.0
  }

  public var step: Int
  public var devices: [Device]
  /// `Σ_layers max_d assignments / Σ_layers mean_d assignments`: the straggler ratio of the
  /// step's expert work (1 when every layer is perfectly balanced).
  public var stragglerRatio: Double
  /// Whether the step has MoE layers (else expert figures and the straggler ratio mean nothing).
  public var hasRoutedExperts: Bool
  /// The step's share of its global batch's time (`PipelineSchedule`, over
  /// `cluster.cost.micro_batches`): per pipeline stage, Σ over its layers of the slowest
  /// device's micro-batch time plus its once-per-step part (dense blocks, head); with one
  /// micro-batch and one stage, Σ over layers of the slowest device's busy time. Nil without a
  /// device (no time model).
  public var stepSeconds: Double?
  public var tokens: Int
  /// The step's dispatch and combine figures, summed over its MoE layers.
  public var allToAll = AllToAllPhases()

  /// Sums `layers` (one step's metrics, with per-device traffic) and times them with `model`.
  public init?(step: Int, layers: [LayerStepMetrics], model: CostModel?) {
    let traffics = layers.compactMap(\.devices)
    guard let first = traffics.first else { return nil }
    self.step = step
    tokens = layers.first?.tokens ?? 0
    devices = [Device](repeating: Device(), count: first.assignments.count)
    var maxSum = 0.0
    var meanSum = 0.0
    let stageCount = model?.pipeline.count ?? 1
    var stage = StageTimes(stages: stageCount, devices: devices.count)
    var fill: Double?
    for metrics in layers {
      guard let traffic = metrics.devices else { continue }
      let s = model?.pipeline.stage(ofBlock: metrics.layer) ?? 0
      maxSum += Double(traffic.assignments.max() ?? 0)
      meanSum += Double(traffic.assignments.reduce(0, +)) / Double(devices.count)
      let costs = model?.layer(traffic, tokens: metrics.tokens)
      var slowest = 0.0
      var slowestDispatch = 0.0
      var slowestCombine = 0.0
      for d in devices.indices {
        devices[d].sourceTokens += traffic.sourceTokens[d]
        devices[d].assignments += traffic.assignments[d]
        devices[d].slotsTouched += traffic.slotsTouched[d]
        devices[d].slotsReplaced += traffic.slotsReplaced[d]
        guard let cost = costs?[d] else { continue }
        devices[d].expertFLOPs += cost.expertFLOPs
        devices[d].denseFLOPs += cost.denseFLOPs
        devices[d].kvCacheBytes += cost.kvCacheBytes
        devices[d].hbmBytes += cost.expertBytes + cost.denseBytes
        devices[d].weightBytes += cost.weightBytes
        devices[d].allToAllIntraBytes += cost.allToAllIntraBytes
        devices[d].allToAllInterBytes += cost.allToAllInterBytes
        devices[d].gradientBytes += cost.gradientBytes
        devices[d].tensorParallelBytes += cost.tensorParallelBytes
        devices[d].messages += cost.messages
        devices[d].computeSeconds += cost.computeSeconds
        devices[d].communicationSeconds += cost.communicationSeconds
        devices[d].replanSeconds += cost.replanSeconds
        devices[d].busySeconds += cost.busySeconds
        stage.perBatch[s][d] += cost.oncePerBatchSeconds
        slowest = max(slowest, cost.microBatchSeconds)
        slowestDispatch = max(slowestDispatch, cost.dispatchSeconds)
        slowestCombine = max(slowestCombine, cost.combineSeconds)
        let share = 1 / Double(devices.count)
        allToAll.dispatchReceivedBytes += cost.dispatchReceivedBytes * share
        allToAll.combineSentBytes += cost.combineSentBytes * share
        allToAll.dispatchNodeBytes += cost.dispatchNodeBytes * share
        allToAll.combineNodeBytes += cost.combineNodeBytes * share
      }
      // Two-batch overlap fills its pipeline once per micro-batch, in the first MoE layer.
      if fill == nil, let costs {
        fill = costs.map(\.pipelineFillSeconds).max() ?? 0
        stage.microBatch[s] += fill ?? 0
      }
      stage.microBatch[s] += slowest
      stage.moeLayerSeconds += slowest
      allToAll.dispatchSeconds += slowestDispatch
      allToAll.combineSeconds += slowestCombine
    }
    stragglerRatio = meanSum > 0 ? maxSum / meanSum : 1
    hasRoutedExperts = true
    stepSeconds = nil
    if let model {
      addStepParts(model.stepParts(tokens: tokens), to: &stage)
      // The MTP drafts run on the last stage, after the step's pass, on each of its devices.
      let drafts = model.mtpDraftSeconds(
        tokens: tokens, meanMoELayerSeconds: stage.moeLayerSeconds / Double(traffics.count))
      stage.microBatch[stage.microBatch.count - 1] += drafts
      for d in devices.indices {
        devices[d].computeSeconds += drafts
        devices[d].busySeconds += drafts
      }
      stepSeconds = stage.stepSeconds(PipelineSchedule(model.cost))
    }
  }

  /// A step of a model without MoE layers: `tokens` tokens through its dense blocks and head,
  /// the same work on every device of a stage (one `Device` stands for each of them).
  public init(step: Int, tokens: Int, model: CostModel) {
    self.step = step
    self.tokens = tokens
    devices = [Device()]
    stragglerRatio = 1
    hasRoutedExperts = false
    var stage = StageTimes(stages: model.pipeline.count, devices: 1)
    addStepParts(model.stepParts(tokens: tokens), to: &stage)
    stepSeconds = stage.stepSeconds(PipelineSchedule(model.cost))
  }

  /// Adds each stage's once-per-step part to every device: each device of a stage does the same
  /// share, so it adds to the stage's slowest device as it is.
  private mutating func addStepParts(_ parts: [CostModel.StepPartCost], to stage: inout StageTimes)
  {
    for (s, part) in parts.enumerated() {
      for d in devices.indices {
        devices[d].addStepPart(part)
        stage.perBatch[s][d] += part.oncePerBatchSeconds
      }
      stage.microBatch[s] += part.microBatchSeconds
    }
  }
}

/// A step's time by pipeline stage, summed over its layers.
private struct StageTimes {
  /// One micro-batch through each stage: Σ over its layers of the slowest device.
  var microBatch: [Double]
  /// Once-per-batch seconds by stage and device.
  var perBatch: [[Double]]
  /// Σ over the MoE layers of the slowest device's micro-batch time.
  var moeLayerSeconds = 0.0

  init(stages: Int, devices: Int) {
    microBatch = [Double](repeating: 0, count: stages)
    perBatch = [[Double]](repeating: [Double](repeating: 0, count: devices), count: stages)
  }

  /// The step's share of the global batch under `schedule`.
  func stepSeconds(_ schedule: PipelineSchedule) -> Double {
    schedule.batchSeconds(
      stageSeconds: microBatch, perBatchSeconds: perBatch.map { $0.max() ?? 0 })
      / Double(schedule.microBatches)
  }
}

extension ClusterStep.Device {
  /// Adds the once-per-step part's figures.
  fileprivate mutating func addStepPart(_ part: CostModel.StepPartCost) {
    denseFLOPs += part.flops
    kvCacheBytes += part.kvCacheBytes
    hbmBytes += part.bytes
    weightBytes += part.weightBytes
    gradientBytes += part.gradientBytes
    tensorParallelBytes += part.tensorParallelBytes
    computeSeconds += part.computeSeconds
    communicationSeconds += part.communicationSeconds
    busySeconds += part.busySeconds
  }
}

/// Run-level cluster figures for `summary.csv`.
public struct ClusterTotals: Sendable, Equatable {
  public var steps = 0
  public var tokens = 0
  public var seconds = 0.0
  public var stragglerRatioSum = 0.0
  public var worstStragglerRatio = 0.0
  public var expertFLOPs = 0.0
  public var allToAllBytes = 0.0
  public var replacedSlots = 0
  public var timed = false
  /// The steps' all-to-all figures, summed.
  public var allToAll = AllToAllPhases()
  /// Whether the steps had MoE layers.
  public var hasRoutedExperts = false

  public init() {}

  public mutating func add(_ step: ClusterStep) {
    steps += 1
    hasRoutedExperts = hasRoutedExperts || step.hasRoutedExperts
    tokens += step.tokens
    stragglerRatioSum += step.stragglerRatio
    worstStragglerRatio = max(worstStragglerRatio, step.stragglerRatio)
    for device in step.devices {
      expertFLOPs += device.expertFLOPs
      allToAllBytes += device.allToAllIntraBytes + device.allToAllInterBytes
      replacedSlots += device.slotsReplaced
    }
    allToAll += step.allToAll
    if let stepSeconds = step.stepSeconds {
      seconds += stepSeconds
      timed = true
    }
  }
}
