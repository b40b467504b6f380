/// The step-time model (README, "Time model"): per device and MoE layer, a roofline for the
/// routed experts and for the layer's other parts, all-to-all and gradient communication over
/// the intra- and inter-node links, an overlap factor; a layer takes as long as its slowest
/// device, a step as long as its MoE layers together.
public struct CostModel: Sendable {
  public let device: DeviceSpec
  public let cost: ClusterCostSpec
  /// Parameters of one routed expert, and of a MoE block's other parts (attention, norms,
  /// shared experts, router), from the parameter accounting.
  public let expertParameters: Double
  public let nonExpertParameters: Double
  public let hiddenSize: Int
  public let weightBytesPerParameter: Double
  public let activationBytes: Double
  /// Peak dense FLOP/s of the slower of the weight and activation formats.
  public let peakFLOPsPerSecond: Double
  /// Whether the expert-parallel group spans several nodes (gradient all-reduce goes over NICs).
  public let spansNodes: Bool

  /// Nil without `cluster.device` or without MoE blocks.
  public init?(scenario: Scenario) {
    guard let device = scenario.cluster.device,
      let block = ParameterBreakdown(model: scenario.model).blocks.first(where: {
        $0.routedExperts > 0
      })
    else { return nil }
    self.device = device
    cost = scenario.cluster.cost
    expertParameters = block.expertParameters
    nonExpertParameters = block.nonExpert
    hiddenSize = scenario.model.hiddenSize
    weightBytesPerParameter = scenario.precision.weightBytes
    activationBytes = scenario.precision.activations.bits / 8
    peakFLOPsPerSecond = min(
      device.flopsPerSecond(for: scenario.precision.weights),
      device.flopsPerSecond(for: scenario.precision.activations))
    spansNodes = scenario.cluster.layout.ep > scenario.cluster.devicesPerNode
  }

  /// A model from explicit figures (tests, and callers outside a scenario).
  public init(
    device: DeviceSpec, cost: ClusterCostSpec, expertParameters: Double,
    nonExpertParameters: Double, hiddenSize: Int, weightBytesPerParameter: Double,
    activationBytes: Double, peakFLOPsPerSecond: Double, spansNodes: Bool
  ) {
    self.device = device
    self.cost = cost
    self.expertParameters = expertParameters
    self.nonExpertParameters = nonExpertParameters
    self.hiddenSize = hiddenSize
    self.weightBytesPerParameter = weightBytesPerParameter
    self.activationBytes = activationBytes
    self.peakFLOPsPerSecond = peakFLOPsPerSecond
    self.spansNodes = spansNodes
  }

  /// One device's figures for one MoE layer of one step.
  public struct DeviceLayerCost: Sendable, Equatable {
    public var expertFLOPs: Double
    /// Expert weight bytes read (weights of every slot touched).
    public var expertWeightBytes: Double
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
    let flops = peakFLOPsPerSecond * cost.computeEfficiency
    let hbm = device.hbmBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let intra = device.intraNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let inter = device.interNodeBandwidthGBps * 1e9 * cost.bandwidthEfficiency
    let tokenBytes = Double(hiddenSize) * activationBytes
    return traffic.assignments.indices.map { d in
      let assignments = Double(traffic.assignments[d])
      let tokens = Double(traffic.sourceTokens[d])
      let expertFLOPs = 2 * expertParameters * assignments * passes
      let expertWeightBytes =
        Double(traffic.slotsTouched[d]) * expertParameters * weightBytesPerParameter
      let expertBytes = (expertWeightBytes + 2 * assignments * tokenBytes) * passes
      let denseFLOPs = 2 * nonExpertParameters * tokens * passes
      let denseBytes =
        (nonExpertParameters * weightBytesPerParameter + 2 * tokens * tokenBytes) * passes
      let compute =
        max(expertFLOPs / flops, expertBytes / hbm) + max(denseFLOPs / flops, denseBytes / hbm)
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
        expertFLOPs: expertFLOPs, expertWeightBytes: expertWeightBytes,
        allToAllIntraBytes: intraBytes, allToAllInterBytes: interBytes,
        gradientBytes: gradientBytes, messages: messages, computeSeconds: compute,
        communicationSeconds: communication,
        busySeconds: compute + communication - cost.overlap * min(compute, communication))
    }
  }
}
