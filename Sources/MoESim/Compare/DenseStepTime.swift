/// The step time of a dense variant under its MoE scenario's time model (README, "MoE vs
/// dense"): the same `CostModel`, device, cost settings and token spread, with no router
/// choice, no all-to-all and every FFN where its tokens are.
///
/// `CostModel` times MoE blocks only (`CostModel(scenario:)` is nil without one), so the dense
/// model is timed as a one-expert MoE whose expert is its dense FFN (`expert_intermediate_size
/// = W`, same `ffn.kind` and bias) held by every device of the MoE's expert-parallel group:
/// device `d` computes the FFN and the block's other parts for the tokens that start on it
/// (token `t` on device `t · ep / T`, as for the MoE), reads the FFN weights once, and sends
/// nothing. The only thing the dense model does not have is that one-expert router: `h`
/// parameters and `2h` FLOPs per token and block (`h` = hidden size), included in the time.
/// The step sums the same number of blocks as the MoE's step (its MoE layers: the time model
/// leaves dense layers out).
public enum DenseStepTime {
  /// The step time of `dense` timed like `moe`, or nil when `moe` has no time model
  /// (`cluster.placement` or `cluster.device` absent), when `dense` is not dense, or when its
  /// FFN cannot be expressed as one expert.
  public static func timing(dense: Scenario, moe: Scenario) -> Comparison.StepTiming? {
    guard moe.cluster.placement != nil, moe.cluster.device != nil, dense.model.moe == nil,
      let width = dense.model.ffn.intermediateSize, moe.model.moe != nil
    else { return nil }
    let layers = moe.model.moeLayerIndices.count
    let tokens = moe.workload.tokensPerStep
    let devices = max(1, moe.cluster.layout.ep)
    var surrogate = dense
    surrogate.model.moe = MoESpec(
      experts: 1, topK: 1, expertIntermediateSize: width, sharedExperts: 0,
      sharedExpertIntermediateSize: 0, firstDenseLayers: 0, layerInterval: 1, denseLayers: [],
      routerBias: false, sharedExpertGate: false, expertBias: dense.model.ffn.bias)
    // The expert must be exactly the dense FFN, else the time is not the dense model's.
    let denseBlock = ParameterBreakdown(model: dense.model).blocks.first
    let surrogateBlock = ParameterBreakdown(model: surrogate.model).blocks.first
    guard layers > 0, tokens > 0, let denseBlock, let surrogateBlock,
      surrogateBlock.expertParameters == denseBlock.denseFFN,
      let model = CostModel(scenario: surrogate)
    else { return nil }

    var traffic = DeviceTraffic(devices: devices)
    for device in 0..<devices {
      // Tokens t with ⌊t · D / T⌋ = d are those from ⌈d · T / D⌉ up to ⌈(d + 1) · T / D⌉.
      let first = (device * tokens + devices - 1) / devices
      let end = ((device + 1) * tokens + devices - 1) / devices
      traffic.sourceTokens[device] = end - first
      traffic.assignments[device] = end - first
      traffic.slotsTouched[device] = end > first ? 1 : 0
    }
    let metrics = (0..<layers).map { layer in
      LayerStepMetrics(
        step: 0, layer: layer, tokens: tokens, capacity: nil, assignmentsKept: tokens,
        assignmentsDropped: 0, load: LoadStatistics([Int32]()), entropy: 0, auxLoss: 0,
        zLoss: 0, droppedGateFraction: 0, tokensWithoutExpert: 0, devices: traffic)
    }
    guard let step = ClusterStep(step: 0, layers: metrics, model: model),
      let seconds = step.stepSeconds, seconds > 0
    else { return nil }
    return Comparison.StepTiming(stepSeconds: seconds, tokensPerSecond: Double(tokens) / seconds)
  }
}
