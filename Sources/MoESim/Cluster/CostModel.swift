/// The step-time model (README, "Time model"): per device and MoE layer, a roofline for the
/// routed experts and for the layer's other parts, all-to-all and gradient communication over
/// the intra- and inter-node links, an overlap factor; a layer takes as long as its slowest
/// device, a step as long as its MoE layers together plus the dense blocks and the output head.
public struct CostModel: Sendable {
  public let device: DeviceSpec
  public let cost: ClusterCostSpec
  /// Parameters of one routed expert, from the parameter accounting.
  public let expertParameters: Double
  /// One device's work for an MoE layer's other parts (attention, norms, shared experts,
  /// router), per layer.
  public let layerWork: NonExpertWork
  /// One device's work for the parts outside the MoE layers (dense blocks, output head), once
  /// per step.
  public let stepWork: NonExpertWork
  public let hiddenSize: Int
  public let weightBytesPerParameter: Double
  public let activationBytes: Double
  /// Peak dense FLOP/s of the slower of the weight and activation formats.
  public let peakFLOPsPerSecond: Double
  /// Whether the expert-parallel group spans several nodes (gradient all-reduce goes over NICs).
  public let spansNodes: Bool

  /// Nil without `cluster.device` or without MoE blocks.
  public init?(scenario: Scenario) {
    let parts = ParameterBreakdown(model: scenario.model)
    guard let device = scenario.cluster.device,
      let block = parts.blocks.first(where: { $0.routedExperts > 0 })
    else { return nil }
    // Built once: its per-token figures at the scenario's context, scaled per mode below.
    let compute = ComputeCost(model: scenario.model, context: scenario.memory.context)
    let setting = NonExpertWork.Setting(scenario: scenario, context: scenario.memory.context)
    let head = scenario.model.tiedEmbeddings ? parts.embedding : parts.head
    self.init(
      device: device, cost: scenario.cluster.cost, expertParameters: block.expertParameters,
      layerWork: NonExpertWork(block: block, compute: compute, setting: setting),
      stepWork: parts.blocks.filter { $0.routedExperts == 0 }.reduce(
        NonExpertWork(headParameters: head, compute: compute, setting: setting)
      ) { $0 + NonExpertWork(block: $1, compute: compute, setting: setting) },
      hiddenSize: scenario.model.hiddenSize,
      weightBytesPerParameter: scenario.precision.weightBytes,
      activationBytes: scenario.precision.activationBytes,
      peakFLOPsPerSecond: min(
        device.flopsPerSecond(for: scenario.precision.weights),
        device.flopsPerSecond(for: scenario.precision.activations)),
      spansNodes: scenario.cluster.layout.ep > scenario.cluster.devicesPerNode)
  }

  /// A model from explicit figures (tests, and callers outside a scenario).
  public init(
    device: DeviceSpec, cost: ClusterCostSpec, expertParameters: Double,
    layerWork: NonExpertWork = .zero, stepWork: NonExpertWork = .zero, hiddenSize: Int,
    weightBytesPerParameter: Double, activationBytes: Double, peakFLOPsPerSecond: Double,
    spansNodes: Bool
  ) {
    self.device = device
    self.cost = cost
    self.expertParameters = expertParameters
    self.layerWork = layerWork
    self.stepWork = stepWork
    self.hiddenSize = hiddenSize
    self.weightBytesPerParameter = weightBytesPerParameter
    self.activationBytes = activationBytes
    self.peakFLOPsPerSecond = peakFLOPsPerSecond
    self.spansNodes = spansNodes
  }

  /// Achieved FLOP/s: peak × `compute_efficiency`.
  public var flopsPerSecond: Double { peakFLOPsPerSecond * cost.computeEfficiency }
  /// Achieved HBM bytes/s: datasheet × `bandwidth_efficiency`.
  public var hbmBytesPerSecond: Double {
    device.hbmBandwidthGBps * 1e9 * cost.bandwidthEfficiency
  }

  /// One device's figures for the once-per-step part (dense blocks and head) of a step of
  /// `tokens` tokens: the same on every device.
  public func stepPart(tokens: Int) -> (
    flops: Double, bytes: Double, kvCacheBytes: Double,
    seconds: Double
  ) {
    let tokens = Double(tokens)
    return (
      stepWork.flops(tokens: tokens), stepWork.bytes(tokens: tokens),
      stepWork.kvCacheBytes(tokens: tokens),
      stepWork.seconds(
        tokens: tokens, flopsPerSecond: flopsPerSecond, bytesPerSecond: hbmBytesPerSecond)
    )
  }

  /// One device's figures for one MoE layer of one step.
  public struct DeviceLayerCost: Sendable, Equatable {
    public var expertFLOPs: Double
    /// Expert weight bytes read (weights of every slot touched).
    public var expertWeightBytes: Double
    /// HBM bytes of the routed experts: weights read plus token rows in and out.
    public var expertBytes: Double
    /// FLOPs and HBM bytes of the layer's other parts (`layerWork` for the step's tokens).
    public var denseFLOPs: Double
    public var denseBytes: Double
    /// The part of `denseBytes` that is KV cache (decode reads, prefill writes).
    public var kvCacheBytes: Double
    /// Per direction: dispatch plus combine (and their backward in training).
    public var allToAllIntraBytes: Double
    public var allToAllInterBytes: Double
    public var gradientBytes: Double
    public var messages: Int
    public var computeSeconds: Double
    public var communicationSeconds: Double
    /// `compute + comm − overlap · min(compute, comm)`.
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
    let dense = max(denseFLOPs / flops, denseBytes / hbm)
    let intra = device.intraNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let inter = device.interNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let tokenBytes = Double(hiddenSize) * activationBytes
    return traffic.assignments.indices.map { d in
      let assignments = Double(traffic.assignments[d])
      let expertFLOPs = 2 * expertParameters * assignments * passes
      let expertWeightBytes =
        Double(traffic.slotsTouched[d]) * expertParameters * weightBytesPerParameter
      let expertBytes = (expertWeightBytes + 2 * assignments * tokenBytes) * passes
      let compute = max(expertFLOPs / flops, expertBytes / hbm) + dense
      let intraBytes =
        Double(traffic.sentIntra[d] + traffic.receivedIntra[d]) * tokenBytes * directions
      let interBytes =
        Double(traffic.sentInter[d] + traffic.receivedInter[d]) * tokenBytes * directions
      let gradientBytes =
        cost.mode == .training
        ? traffic.replicaGradientCopies[d] * expertParameters * weightBytesPerParameter : 0
      let messages = (traffic.peersSent[d] + traffic.peersReceived[d]) * Int(directions)
      let communication =
        intraBytes / intra + interBytes / inter + gradientBytes / (spansNodes ? inter : intra)
        + device.linkLatencyMicroseconds * 1e-6 * Double(messages)
      return DeviceLayerCost(
        expertFLOPs: expertFLOPs, expertWeightBytes: expertWeightBytes, expertBytes: expertBytes,
        denseFLOPs: denseFLOPs, denseBytes: denseBytes,
        kvCacheBytes: layerWork.kvCacheBytes(tokens: stepTokens),
        allToAllIntraBytes: intraBytes, allToAllInterBytes: interBytes,
        gradientBytes: gradientBytes, messages: messages, computeSeconds: compute,
        communicationSeconds: communication,
        busySeconds: compute + communication - cost.overlap * min(compute, communication))
    }
  }
}
