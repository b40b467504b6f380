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
  /// per step.
  public let stepWork: NonExpertWork
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
  /// Peak dense FLOP/s of the slower of the weight and activation formats.
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
  /// Blocks timed once per step (the dense blocks).
  public let denseBlocks: Int

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
    self.init(
      device: device, cost: scenario.cluster.cost,
      expertParameters: block.map(setting.sharding.parametersPerExpertSlot) ?? 0,
      layerWork: block.map { NonExpertWork(block: $0, compute: compute, setting: setting) }
        ?? .zero,
      stepWork: parts.blocks.filter { $0.routedExperts == 0 }.reduce(
        NonExpertWork(
          headParameters: head, finalNormParameters: parts.finalNorm, compute: compute,
          setting: setting)
      ) { $0 + NonExpertWork(block: $1, compute: compute, setting: setting) },
      hiddenSize: scenario.model.hiddenSize,
      weightBytesPerParameter: scenario.precision.expertWeightBytes,
      activationBytes: scenario.precision.activationBytes,
      dispatchBytesPerToken: scenario.precision.dispatchBytesPerToken(
        hiddenSize: scenario.model.hiddenSize),
      combineBytesPerToken: scenario.precision.combineBytesPerToken(
        hiddenSize: scenario.model.hiddenSize),
      nodeForwarding: scenario.cluster.placement?.nodeForwarding ?? false,
      peakFLOPsPerSecond: min(
        device.flopsPerSecond(for: scenario.precision.weights),
        device.flopsPerSecond(for: scenario.precision.activations)),
      spansNodes: scenario.cluster.layout.ep > scenario.cluster.devicesPerNode,
      dataParallelSpansNodes: scenario.cluster.layout.tp * scenario.cluster.layout.dp
        > scenario.cluster.devicesPerNode,
      tensorParallelRanks: scenario.cluster.layout.tp,
      tensorParallelSpansNodes: scenario.cluster.layout.tp > scenario.cluster.devicesPerNode,
      dataParallelReplicas: scenario.cluster.layout.dp,
      denseBlocks: parts.blocks.filter { $0.routedExperts == 0 }.count)
  }

  /// A model from explicit figures (tests, and callers outside a scenario).
  public init(
    device: DeviceSpec, cost: ClusterCostSpec, expertParameters: Double,
    layerWork: NonExpertWork = .zero, stepWork: NonExpertWork = .zero, hiddenSize: Int,
    weightBytesPerParameter: Double, activationBytes: Double,
    dispatchBytesPerToken: Double? = nil, combineBytesPerToken: Double? = nil,
    nodeForwarding: Bool = false, peakFLOPsPerSecond: Double, spansNodes: Bool,
    dataParallelSpansNodes: Bool = false, tensorParallelRanks: Int = 1,
    tensorParallelSpansNodes: Bool = false, dataParallelReplicas: Int = 1, denseBlocks: Int = 0
  ) {
    self.device = device
    self.cost = cost
    self.expertParameters = expertParameters
    self.layerWork = layerWork
    self.stepWork = stepWork
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
    self.denseBlocks = denseBlocks
  }

  /// One device's tensor-parallel traffic for `blocks` blocks of a step of `tokens` tokens.
  /// Sequence parallelism (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
  /// Transformer Models", sec. 4.2.2, Fig. 5), as `DeviceMemory` splits the activations:
  /// before attention and before the FFN an all-gather, after each a reduce-scatter, of the
  /// replica's `T / dp` tokens' hidden states (`h · x` bytes each) — four ring collectives per
  /// block and pass; the backward pass mirrors them in training. On a ring an all-reduce costs
  /// exactly a reduce-scatter plus an all-gather, so the time is that of Megatron's two
  /// all-reduces without sequence parallelism.
  public func tensorParallelCost(tokens: Double, blocks: Int) -> (
    bytesSent: Double, seconds: Double
  ) {
    guard tensorParallel.ranks > 1, blocks > 0 else { return (0, 0) }
    let payload = tokens / Double(dataParallelReplicas) * Double(hiddenSize) * activationBytes
    let collectives = 4 * Double(blocks) * (cost.mode == .training ? 2 : 1)
    return (
      collectives * tensorParallel.reduceScatterBytesSent(payload: payload),
      collectives * tensorParallel.reduceScatterSeconds(payload: payload)
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

  /// One device's figures for the once-per-step part (dense blocks and head) of a step of
  /// `tokens` tokens: the same on every device. Its gradient all-reduce (training) is
  /// communication, overlapped with its compute by `overlap`.
  public func stepPart(tokens: Int) -> StepPartCost {
    let tokens = Double(tokens)
    let compute = stepWork.seconds(
      tokens: tokens, flopsPerSecond: flopsPerSecond, bytesPerSecond: hbmBytesPerSecond)
    let collectives = tensorParallelCost(tokens: tokens, blocks: denseBlocks)
    let communication = stepWork.gradientBytes / dataParallelBytesPerSecond + collectives.seconds
    return StepPartCost(
      flops: stepWork.flops(tokens: tokens), bytes: stepWork.bytes(tokens: tokens),
      weightBytes: stepWork.weightBytes, kvCacheBytes: stepWork.kvCacheBytes(tokens: tokens),
      gradientBytes: stepWork.gradientBytes, tensorParallelBytes: collectives.bytesSent,
      computeSeconds: compute, communicationSeconds: communication,
      busySeconds: compute + communication - cost.overlap * min(compute, communication))
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
    /// `compute + comm − overlap · min(compute, comm) + replan`, or with two-batch overlap
    /// `max(compute, comm) + replan`.
    public var busySeconds: Double
  }

  /// The figures of every device for one layer's traffic.
  public func layer(_ traffic: DeviceTraffic) -> [DeviceLayerCost] {
    let passes = cost.mode == .training ? 3.0 : 1.0  // forward + backward ≈ 3 × forward
    let directions = cost.mode == .training ? 2.0 : 1.0  // the backward all-to-alls mirror
    let flops = flopsPerSecond
    let hbm = hbmBytesPerSecond
    let stepTokens = Double(traffic.sourceTokens.reduce(0, +))
    let denseFLOPs = layerWork.flops(tokens: stepTokens)
    let denseBytes = layerWork.bytes(tokens: stepTokens)
    // Two-batch overlap runs every per-batch cost twice: weights read, padding, latency.
    let batches = cost.twoBatchOverlap ? 2.0 : 1.0
    let dense = max(
      denseFLOPs / flops, (denseBytes + (batches - 1) * layerWork.weightBytes) / hbm)
    let intra = device.intraNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let inter = device.interNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let tokenBytes = Double(hiddenSize) * activationBytes
    let collectives = tensorParallelCost(tokens: stepTokens, blocks: 1)
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
      let communication =
        dispatch + combine + replicaGradientBytes / (spansNodes ? inter : intra)
        + layerWork.gradientBytes / dataParallelBytesPerSecond + collectives.seconds
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
        gradientBytes: replicaGradientBytes + layerWork.gradientBytes,
        tensorParallelBytes: collectives.bytesSent, messages: messages,
        dispatchSeconds: dispatch, combineSeconds: combine,
        dispatchReceivedBytes: delivered * dispatchBytesPerToken,
        combineSentBytes: delivered * combineBytesPerToken,
        dispatchNodeBytes: nodePairs * dispatchBytesPerToken,
        combineNodeBytes: nodePairs * combineBytesPerToken,
        computeSeconds: compute, communicationSeconds: communication, replanSeconds: replan,
        pipelineFillSeconds: cost.twoBatchOverlap ? min(compute, communication) / 2 : 0,
        busySeconds: (cost.twoBatchOverlap
          ? max(compute, communication)
          : compute + communication - cost.overlap * min(compute, communication)) + replan)
    }
  }
}
