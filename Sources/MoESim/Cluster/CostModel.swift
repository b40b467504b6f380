/// The step-time model (README, "Time model"): per device and MoE layer, a roofline for the
/// routed experts and for the layer's other parts, all-to-all and gradient communication over
/// the intra- and inter-node links, an overlap factor; a layer takes as long as its slowest
/// device, a step as long as its MoE layers together plus the dense blocks and the output head.
public struct CostModel: Sendable {
  public let device: DeviceSpec
  public let cost: ClusterCostSpec
  /// Parameters of one expert slot on one device (one routed expert split over `expert_tp`,
  /// `WeightSharding.parametersPerExpertSlot`); 0 for a model without MoE blocks.
  public let expertParameters: Double
  /// One device's work for an MoE layer's other parts (attention, norms, shared experts,
  /// router), per layer.
  public let layerWork: NonExpertWork
  /// One device's work for the parts outside the MoE layers (dense blocks, output head), once
  /// per step, over all pipeline stages.
  public let stepWork: NonExpertWork
  /// The same split by pipeline stage (each stage's dense blocks, the head on the last), in
  /// stage order, with each stage's count of dense blocks.
  public let stageStepWork: [(work: NonExpertWork, denseBlocks: Int)]
  /// How the pipeline stages split the blocks (the stage of each MoE layer).
  let pipeline: PipelineStages
  /// The output head and final norm (on the last stage), which every MTP draft passes through.
  let headWork: NonExpertWork
  public let hiddenSize: Int
  /// Bytes per stored routed-expert parameter (`precision.expert_weights`).
  public let weightBytesPerParameter: Double
  public let activationBytes: Double
  /// Bytes of one token copy in the dispatch (`PrecisionSpec.dispatchBytesPerToken`) and of one
  /// expert output in the combine (`PrecisionSpec.combineBytesPerToken`).
  public let dispatchBytesPerToken: Double
  public let combineBytesPerToken: Double
  /// Node forwarding (`cluster.placement.node_forwarding`): the network and intra-node copies
  /// of a phase run at once, so a phase takes as long as its slower link.
  public let nodeForwarding: Bool
  /// Peak dense FLOP/s of `precision.matmul`, by default of the slower of the weight and
  /// activation formats.
  public let peakFLOPsPerSecond: Double
  /// Whether the expert-parallel group spans several nodes (gradient all-reduce goes over NICs).
  public let spansNodes: Bool
  /// Whether a data-parallel ring spans several nodes: replicas sit `tp` devices apart, so it
  /// does when `tp × dp` exceeds the devices of a node.
  public let dataParallelSpansNodes: Bool
  /// The ring of a tensor-parallel group: `tp` neighbouring devices, over the intra-node link
  /// unless `tp` exceeds the devices of a node.
  public let tensorParallel: RingCollective
  /// Model replicas `dp` sharing the step's tokens.
  public let dataParallelReplicas: Int
  /// Training: bytes one device sends in the ring all-reduce of its expert slots' gradients over
  /// the `expertDP` expert-data-parallel replicas of its expert-parallel rank, per MoE layer:
  /// `2(g − 1)/g ×` its slots' weight bytes (0 for `g = 1` and in inference).
  public let expertGradientBytes: Double

  /// Nil without `cluster.device`. A model without MoE blocks is timed by its once-per-step
  /// part alone (`expertParameters = 0`, `layerWork = .zero`).
  public init?(scenario: Scenario) {
    let parts = ParameterBreakdown(model: scenario.model)
    guard let device = scenario.cluster.device else { return nil }
    let block = parts.blocks.first(where: { $0.routedExperts > 0 })
    // Built once: its per-token figures at the scenario's context, scaled per mode below.
    let compute = ComputeCost(model: scenario.model, context: scenario.memory.context)
    let setting = NonExpertWork.Setting(scenario: scenario, context: scenario.memory.context)
    let head = scenario.model.tiedEmbeddings ? parts.embedding : parts.head
    let headWork = NonExpertWork(
      headParameters: head, finalNormParameters: parts.finalNorm, compute: compute,
      setting: setting)
    let pipeline = PipelineStages(pp: scenario.cluster.layout.pp, blocks: parts.blocks.count)
    let stageStepWork = (0..<pipeline.count).map { stage in
      let dense = parts.blocks[pipeline.blocks(ofStage: stage)].filter { $0.routedExperts == 0 }
      let blocks = dense.reduce(NonExpertWork.zero) {
        $0 + NonExpertWork(block: $1, compute: compute, setting: setting)
      }
      return (
        work: stage == pipeline.count - 1 ? headWork + blocks : blocks, denseBlocks: dense.count
      )
    }
    self.init(
      device: device, cost: scenario.cluster.cost,
      expertParameters: block.map(setting.sharding.parametersPerExpertSlot) ?? 0,
      layerWork: block.map { NonExpertWork(block: $0, compute: compute, setting: setting) }
        ?? .zero,
      stageStepWork: stageStepWork, pipeline: pipeline, headWork: headWork,
      hiddenSize: scenario.model.hiddenSize,
      weightBytesPerParameter: scenario.precision.expertWeightBytes,
      activationBytes: scenario.precision.activationBytes,
      dispatchBytesPerToken: scenario.precision.dispatchBytesPerToken(
        hiddenSize: scenario.model.hiddenSize),
      combineBytesPerToken: scenario.precision.combineBytesPerToken(
        hiddenSize: scenario.model.hiddenSize),
      nodeForwarding: scenario.cluster.placement?.nodeForwarding ?? false,
      peakFLOPsPerSecond: scenario.precision.matmul.map(device.flopsPerSecond(for:))
        ?? min(
          device.flopsPerSecond(for: scenario.precision.weights),
          device.flopsPerSecond(for: scenario.precision.activations)),
      spansNodes: scenario.cluster.layout.ep > scenario.cluster.devicesPerNode,
      dataParallelSpansNodes: scenario.cluster.layout.tp * scenario.cluster.layout.dp
        > scenario.cluster.devicesPerNode,
      tensorParallelRanks: scenario.cluster.layout.tp,
      tensorParallelSpansNodes: scenario.cluster.layout.tp > scenario.cluster.devicesPerNode,
      dataParallelReplicas: scenario.cluster.layout.dp,
      expertGradientBytes: Self.expertGradientBytes(
        scenario, parametersPerSlot: block.map(setting.sharding.parametersPerExpertSlot) ?? 0))
  }

  /// `expertGradientBytes` of `scenario`: the device's `ceil((E + redundant_slots) / ep)` slots
  /// of `parametersPerSlot` parameters, gradients in the expert weights' format.
  static func expertGradientBytes(_ scenario: Scenario, parametersPerSlot: Double) -> Double {
    let layout = scenario.cluster.layout
    let groups = Double(layout.expertDP)
    guard scenario.cluster.cost.mode == .training, groups > 1, let moe = scenario.model.moe
    else { return 0 }
    let slots = moe.experts + (scenario.cluster.placement?.redundantSlots ?? 0)
    let perDevice = Double((slots + layout.ep - 1) / layout.ep)
    return 2 * (groups - 1) / groups * perDevice * parametersPerSlot
      * scenario.precision.expertWeightBytes
  }

  /// A model from explicit figures (tests, and callers outside a scenario), on one pipeline
  /// stage.
  public init(
    device: DeviceSpec, cost: ClusterCostSpec, expertParameters: Double,
    layerWork: NonExpertWork = .zero, stepWork: NonExpertWork = .zero, hiddenSize: Int,
    weightBytesPerParameter: Double, activationBytes: Double,
    dispatchBytesPerToken: Double? = nil, combineBytesPerToken: Double? = nil,
    nodeForwarding: Bool = false, peakFLOPsPerSecond: Double, spansNodes: Bool,
    dataParallelSpansNodes: Bool = false, tensorParallelRanks: Int = 1,
    tensorParallelSpansNodes: Bool = false, dataParallelReplicas: Int = 1, denseBlocks: Int = 0
  ) {
    self.init(
      device: device, cost: cost, expertParameters: expertParameters, layerWork: layerWork,
      stageStepWork: [(stepWork, denseBlocks)], pipeline: PipelineStages(pp: 1, blocks: 1),
      headWork: .zero,
      hiddenSize: hiddenSize, weightBytesPerParameter: weightBytesPerParameter,
      activationBytes: activationBytes, dispatchBytesPerToken: dispatchBytesPerToken,
      combineBytesPerToken: combineBytesPerToken, nodeForwarding: nodeForwarding,
      peakFLOPsPerSecond: peakFLOPsPerSecond, spansNodes: spansNodes,
      dataParallelSpansNodes: dataParallelSpansNodes, tensorParallelRanks: tensorParallelRanks,
      tensorParallelSpansNodes: tensorParallelSpansNodes,
      dataParallelReplicas: dataParallelReplicas, expertGradientBytes: 0)
  }

  /// A model whose once-per-step work is split over pipeline stages.
  // swift-format-ignore: FunctionParameterCount
  init(
    device: DeviceSpec, cost: ClusterCostSpec, expertParameters: Double,
    layerWork: NonExpertWork, stageStepWork: [(work: NonExpertWork, denseBlocks: Int)],
    pipeline: PipelineStages, headWork: NonExpertWork, hiddenSize: Int,
    weightBytesPerParameter: Double, activationBytes: Double,
    dispatchBytesPerToken: Double? = nil, combineBytesPerToken: Double? = nil,
    nodeForwarding: Bool = false, peakFLOPsPerSecond: Double, spansNodes: Bool,
    dataParallelSpansNodes: Bool, tensorParallelRanks: Int, tensorParallelSpansNodes: Bool,
    dataParallelReplicas: Int, expertGradientBytes: Double
  ) {
    self.expertGradientBytes = expertGradientBytes
    self.device = device
    self.cost = cost
    self.expertParameters = expertParameters
    self.layerWork = layerWork
    self.stageStepWork = stageStepWork
    self.stepWork = stageStepWork.reduce(NonExpertWork.zero) { $0 + $1.work }
    self.pipeline = pipeline
    self.headWork = headWork
    self.hiddenSize = hiddenSize
    self.weightBytesPerParameter = weightBytesPerParameter
    self.activationBytes = activationBytes
    self.dispatchBytesPerToken = dispatchBytesPerToken ?? Double(hiddenSize) * activationBytes
    self.combineBytesPerToken = combineBytesPerToken ?? Double(hiddenSize) * activationBytes
    self.nodeForwarding = nodeForwarding
    self.peakFLOPsPerSecond = peakFLOPsPerSecond
    self.spansNodes = spansNodes
    self.dataParallelSpansNodes = dataParallelSpansNodes
    self.tensorParallel = RingCollective(
      ranks: tensorParallelRanks,
      bytesPerSecond: (tensorParallelSpansNodes
        ? device.interNodeBandwidthGBps : device.intraNodeBandwidthGBps) * 1e9
        * cost.bandwidthEfficiency,
      stepLatencySeconds: device.linkLatencyMicroseconds * 1e-6)
    self.dataParallelReplicas = dataParallelReplicas
  }

  /// One device's tensor-parallel traffic for `blocks` blocks of a step of `tokens` tokens.
  /// Sequence parallelism (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
  /// Transformer Models", sec. 4.2.2, Fig. 5), as `DeviceMemory` splits the activations:
  /// before attention and before the FFN an all-gather, after each a reduce-scatter, of the
  /// replica's `T / dp` tokens' hidden states (`h · x` bytes each) — four ring collectives per
  /// block and pass; the backward pass mirrors them in training. On a ring an all-reduce costs
  /// exactly a reduce-scatter plus an all-gather, so the time is that of Megatron's two
  /// all-reduces without sequence parallelism.
  public func tensorParallelCost(tokens: Double, blocks: Int, batches: Double = 1) -> (
    bytesSent: Double, seconds: Double
  ) {
    guard tensorParallel.ranks > 1, blocks > 0 else { return (0, 0) }
    let payload = tokens / Double(dataParallelReplicas) * Double(hiddenSize) * activationBytes
    let collectives = 4 * Double(blocks) * (cost.mode == .training ? 2 : 1)
    // Each of `batches` micro-batches runs every collective on its share of the payload.
    return (
      collectives * tensorParallel.reduceScatterBytesSent(payload: payload),
      collectives * batches * tensorParallel.reduceScatterSeconds(payload: payload / batches)
    )
  }

  /// Bytes/s of the link a data-parallel gradient all-reduce crosses.
  var dataParallelBytesPerSecond: Double {
    (dataParallelSpansNodes ? device.interNodeBandwidthGBps : device.intraNodeBandwidthGBps)
      * 1e9 * cost.bandwidthEfficiency
  }

  /// Achieved FLOP/s: peak × `compute_efficiency`.
  public var flopsPerSecond: Double { peakFLOPsPerSecond * cost.computeEfficiency }
  /// Achieved HBM bytes/s: datasheet × `bandwidth_efficiency`.
  public var hbmBytesPerSecond: Double {
    device.hbmBandwidthGBps * 1e9 * cost.bandwidthEfficiency
  }

  /// Per-batch costs (weights read, expert padding, message latency) are paid once per batch:
  /// twice per micro-batch with two-batch overlap.
  var batchesPerMicroBatch: Double { cost.twoBatchOverlap ? 2 : 1 }

  /// One device's figures for the once-per-step part (dense blocks and head) of a step of
  /// `tokens` tokens, one per pipeline stage: the same on every device of the stage. Its
  /// tensor-parallel collectives are overlapped with its compute by `overlap`; its gradient
  /// all-reduce (training) is paid once per global batch (`oncePerBatchSeconds`).
  public func stepParts(tokens: Int) -> [StepPartCost] {
    let tokens = Double(tokens)
    return stageStepWork.map { work, denseBlocks in
      let compute = work.seconds(
        tokens: tokens, flopsPerSecond: flopsPerSecond, bytesPerSecond: hbmBytesPerSecond)
      let collectives = tensorParallelCost(tokens: tokens, blocks: denseBlocks)
      let gradient = work.gradientBytes / dataParallelBytesPerSecond
      let microBatch =
        compute + collectives.seconds - cost.overlap * min(compute, collectives.seconds)
      return StepPartCost(
        flops: work.flops(tokens: tokens), bytes: work.bytes(tokens: tokens),
        weightBytes: work.weightBytes, kvCacheBytes: work.kvCacheBytes(tokens: tokens),
        gradientBytes: work.gradientBytes, tensorParallelBytes: collectives.bytesSent,
        computeSeconds: compute, communicationSeconds: gradient + collectives.seconds,
        microBatchSeconds: microBatch, oncePerBatchSeconds: gradient,
        busySeconds: microBatch + gradient)
    }
  }

  /// Decode with MTP: one device's seconds for the `d` draft forwards of a step whose MoE layers
  /// took `meanMoELayerSeconds` each (slowest device, one micro-batch) over `tokens` tokens.
  /// Each draft passes the MTP module, costed as one such MoE layer (its block is one, with the
  /// step's `1 + d` tokens per sequence instead of the draft's one: an upper bound), and the head
  /// at one position per sequence.
  public func mtpDraftSeconds(tokens: Int, meanMoELayerSeconds: Double) -> Double {
    let drafts = Double(cost.mode == .decode ? cost.mtpDraftTokens : 0)
    guard drafts > 0 else { return 0 }
    let sequences = Double(tokens) / Double(cost.tokensPerSequence)
    let head = headWork.seconds(
      tokens: sequences, flopsPerSecond: flopsPerSecond, bytesPerSecond: hbmBytesPerSecond)
    return drafts * (meanMoELayerSeconds + head)
  }

  /// One device's figures for the once-per-step part.
  public struct StepPartCost: Sendable, Equatable {
    public var flops: Double
    public var bytes: Double
    /// The part of `bytes` that is weights.
    public var weightBytes: Double
    public var kvCacheBytes: Double
    public var gradientBytes: Double
    /// Bytes one device sends in the dense blocks' tensor-parallel collectives.
    public var tensorParallelBytes: Double
    public var computeSeconds: Double
    public var communicationSeconds: Double
    /// The time of one micro-batch: compute and tensor-parallel collectives, overlapped by
    /// `overlap`.
    public var microBatchSeconds: Double
    /// Paid once per global batch: the gradient all-reduce.
    public var oncePerBatchSeconds: Double
    /// `microBatchSeconds + oncePerBatchSeconds`.
    public var busySeconds: Double
  }

  /// One device's figures for one MoE layer of one step.
  public struct DeviceLayerCost: Sendable, Equatable {
    public var expertFLOPs: Double
    /// Expert weight bytes read (weights of every slot touched).
    public var expertWeightBytes: Double
    /// HBM bytes of the routed experts: weights read plus token rows in and out.
    public var expertBytes: Double
    /// Weight bytes of every part read in the layer, passes included.
    public var weightBytes: Double
    /// FLOPs and HBM bytes of the layer's other parts (`layerWork` for the step's tokens).
    public var denseFLOPs: Double
    public var denseBytes: Double
    /// The part of `denseBytes` that is KV cache (decode reads, prefill writes).
    public var kvCacheBytes: Double
    /// Per direction: dispatch plus combine (and their backward in training).
    public var allToAllIntraBytes: Double
    public var allToAllInterBytes: Double
    public var gradientBytes: Double
    /// Bytes this device sends in the layer's tensor-parallel collectives.
    public var tensorParallelBytes: Double
    public var messages: Int
    /// The all-to-all's share of `communicationSeconds`: dispatch is the copies the device
    /// sends (its outbound bytes per link over that link's bandwidth, plus one latency per peer
    /// sent to), combine the copies it sends back (those it received in dispatch).
    public var dispatchSeconds: Double
    public var combineSeconds: Double
    /// Bytes of the token copies that end on the device in dispatch, its own tokens included
    /// (DeepEP's logical bytes; × 2 in training), and of the results it sends back in combine.
    public var dispatchReceivedBytes: Double
    public var combineSentBytes: Double
    /// Bytes of the (token, destination node) pairs of the device's tokens, its own node
    /// included, in the dispatch and combine formats (DeepEP's RDMA logical bytes).
    public var dispatchNodeBytes: Double
    public var combineNodeBytes: Double
    public var computeSeconds: Double
    public var communicationSeconds: Double
    /// Copy of the expert weights placed on this device by a re-plan before this step:
    /// replaced slots × expert bytes / link bandwidth (0 unless `charge_replan_copy`).
    public var replanSeconds: Double
    /// With two-batch overlap, half the shorter of compute and communication: the first
    /// micro-batch's part that nothing hides, paid once per step (`ClusterStep`); else 0.
    public var pipelineFillSeconds: Double
    /// One micro-batch through the layer: `compute + comm − overlap · min(compute, comm)`, or
    /// with two-batch overlap `max(compute, comm)`, where `comm` is the all-to-all and the
    /// tensor-parallel collectives.
    public var microBatchSeconds: Double
    /// Paid once per global batch: the gradient all-reduces and the re-plan copy.
    public var oncePerBatchSeconds: Double
    /// `microBatchSeconds + oncePerBatchSeconds`.
    public var busySeconds: Double
  }

  /// The figures of every device for one layer's traffic, in a step of `tokens` tokens (by
  /// default the traffic's own: with expert data parallelism the traffic is one group's share).
  public func layer(_ traffic: DeviceTraffic, tokens: Int? = nil) -> [DeviceLayerCost] {
    let passes = cost.mode == .training ? 3.0 : 1.0  // forward + backward ≈ 3 × forward
    let directions = cost.mode == .training ? 2.0 : 1.0  // the backward all-to-alls mirror
    let flops = flopsPerSecond
    let hbm = hbmBytesPerSecond
    let stepTokens = Double(tokens ?? traffic.sourceTokens.reduce(0, +))
    let denseFLOPs = layerWork.flops(tokens: stepTokens)
    let denseBytes = layerWork.bytes(tokens: stepTokens)
    // Two-batch overlap runs every per-batch cost twice: weights read, padding, latency.
    let batches = batchesPerMicroBatch
    let dense = max(
      layerWork.computeSeconds(tokens: stepTokens, flopsPerSecond: flops),
      (denseBytes + (batches - 1) * layerWork.weightBytes) / hbm)
    let intra = device.intraNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let inter = device.interNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let tokenBytes = Double(hiddenSize) * activationBytes
    let collectives = tensorParallelCost(tokens: stepTokens, blocks: 1, batches: batches)
    // A phase's time over its two links: in turn, or at once with node forwarding (DeepSeek-V3
    // technical report, sec. 3.2.2: IB and NVLink communication fully overlapped).
    let phase = { (intraCopies: Int, interCopies: Int, bytes: Double) -> Double in
      let intraSeconds = Double(intraCopies) * bytes / intra
      let interSeconds = Double(interCopies) * bytes / inter
      return
        (self.nodeForwarding
        ? max(intraSeconds, interSeconds) : intraSeconds + interSeconds) * directions
    }
    return traffic.assignments.indices.map { d in
      let assignments = Double(traffic.assignments[d])
      let expertFLOPs = 2 * expertParameters * assignments * passes
      // Each touched slot's grouped GEMMs cost `expert_padding_rows` rows more (GroupedGemmFit).
      let paddedRows =
        assignments + batches * cost.expertPaddingRows * Double(traffic.slotsTouched[d])
      let expertWeightBytes =
        batches * Double(traffic.slotsTouched[d]) * expertParameters * weightBytesPerParameter
      let expertBytes = (expertWeightBytes + 2 * assignments * tokenBytes) * passes
      let compute =
        max(2 * expertParameters * paddedRows * passes / flops, expertBytes / hbm) + dense
      let intraBytes =
        (Double(traffic.sentIntra[d]) * dispatchBytesPerToken
          + Double(traffic.receivedIntra[d]) * combineBytesPerToken) * directions
      let interBytes =
        (Double(traffic.sentInter[d]) * dispatchBytesPerToken
          + Double(traffic.receivedInter[d]) * combineBytesPerToken) * directions
      let replicaGradientBytes =
        cost.mode == .training
        ? traffic.replicaGradientCopies[d] * expertParameters * weightBytesPerParameter : 0
      let messages = (traffic.peersSent[d] + traffic.peersReceived[d]) * Int(directions)
      let latency = device.linkLatencyMicroseconds * 1e-6 * directions * batches
      let dispatch =
        phase(traffic.sentIntra[d], traffic.sentInter[d], dispatchBytesPerToken)
        + latency * Double(traffic.peersSent[d])
      let combine =
        phase(traffic.receivedIntra[d], traffic.receivedInter[d], combineBytesPerToken)
        + latency * Double(traffic.peersReceived[d])
      let delivered = Double(traffic.deliveredCopies[d]) * directions
      let nodePairs = Double(traffic.nodeCopies[d]) * directions
      let gradient =
        replicaGradientBytes / (spansNodes ? inter : intra)
        + (layerWork.gradientBytes + expertGradientBytes) / dataParallelBytesPerSecond
      let microBatchCommunication = dispatch + combine + collectives.seconds
      let microBatch =
        cost.twoBatchOverlap
        // The communication kernels hold `f` of the compute units while they run: compute
        // proceeds at 1 − f for `comm` seconds, then at full rate.
        ? max(
          microBatchCommunication,
          compute + cost.communicationSMFraction * microBatchCommunication)
        : compute + microBatchCommunication
          - cost.overlap * min(compute, microBatchCommunication)
      // The new weights come over the expert-parallel group's slowest link.
      let replan =
        cost.chargeReplanCopy
        ? Double(traffic.slotsReplaced[d]) * expertParameters * weightBytesPerParameter
          / (spansNodes ? inter : intra) : 0
      return DeviceLayerCost(
        expertFLOPs: expertFLOPs, expertWeightBytes: expertWeightBytes, expertBytes: expertBytes,
        weightBytes: expertWeightBytes * passes + layerWork.weightBytes,
        denseFLOPs: denseFLOPs, denseBytes: denseBytes,
        kvCacheBytes: layerWork.kvCacheBytes(tokens: stepTokens),
        allToAllIntraBytes: intraBytes, allToAllInterBytes: interBytes,
        gradientBytes: replicaGradientBytes + layerWork.gradientBytes + expertGradientBytes,
        tensorParallelBytes: collectives.bytesSent, messages: messages,
        dispatchSeconds: dispatch, combineSeconds: combine,
        dispatchReceivedBytes: delivered * dispatchBytesPerToken,
        combineSentBytes: delivered * combineBytesPerToken,
        dispatchNodeBytes: nodePairs * dispatchBytesPerToken,
        combineNodeBytes: nodePairs * combineBytesPerToken,
        computeSeconds: compute, communicationSeconds: microBatchCommunication + gradient,
        replanSeconds: replan,
        pipelineFillSeconds: cost.twoBatchOverlap
          ? min(compute, microBatchCommunication) / 2 : 0,
        microBatchSeconds: microBatch, oncePerBatchSeconds: gradient + replan,
        busySeconds: microBatch + gradient + replan)
    }
  }
}
