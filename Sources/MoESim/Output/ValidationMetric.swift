/// The figures a scenario's `validation` entries may compare with a measurement: each is an
/// output of the run, with its unit and where the predicted value comes from. This enum is the
/// one table of them (`moesim help scenario validation` lists the names; Results/README.md
/// documents `validation.csv`).
public enum ValidationMetric: String, Sendable, CaseIterable, Encodable {
  /// `summary.csv` `step_time_s`: mean simulated step time.
  case stepTime = "step_time_s"
  /// `summary.csv` `tokens_per_s`: the step's tokens over its time, for the whole cluster.
  case tokensPerSecond = "tokens_per_s"
  /// `tokens_per_s / cluster.devices`.
  case tokensPerSecondPerDevice = "tokens_per_s_per_device"
  /// `tokens_per_s / (cluster.devices / devices_per_node)`.
  case tokensPerSecondPerNode = "tokens_per_s_per_node"
  /// Decode: `summary.csv` `output_tokens_per_s` (accepted MTP drafts included) per device.
  case outputTokensPerSecondPerDevice = "output_tokens_per_s_per_device"
  /// DeepEP's logical dispatch bandwidth (deepseek-ai/DeepEP `tests/test_intranode.py`: bytes a
  /// rank receives, its own tokens included, over the kernel's time): per MoE layer, the mean
  /// over devices of the token copies a device receives in dispatch (its own included) × the
  /// token's bytes, over the slowest device's dispatch time; summed over layers and steps.
  case dispatchBandwidth = "dispatch_bandwidth_gbps"
  /// The same for combine: the copies a device sends back, over the slowest combine time.
  case combineBandwidth = "combine_bandwidth_gbps"
  /// DeepEP's internode RDMA bandwidth (deepseek-ai/DeepEP `tests/legacy/test_internode.py`:
  /// `num_rdma_token_sent`, the (token, destination node) pairs of a rank's tokens, its own node
  /// included, × the token's bytes, over the kernel's time): per MoE layer, the mean over
  /// devices of those pairs × the dispatch format's bytes, over the slowest dispatch time.
  case dispatchRDMABandwidth = "dispatch_rdma_bandwidth_gbps"
  /// The same pairs in the combine format, over the slowest combine time.
  case combineRDMABandwidth = "combine_rdma_bandwidth_gbps"

  /// Unit of the measured and predicted figures.
  public var unit: String {
    switch self {
    case .stepTime: return "s"
    case .tokensPerSecond: return "tokens/s"
    case .tokensPerSecondPerDevice: return "tokens/s/device"
    case .tokensPerSecondPerNode: return "tokens/s/node"
    case .outputTokensPerSecondPerDevice: return "tokens/s/device"
    case .dispatchBandwidth, .combineBandwidth, .dispatchRDMABandwidth, .combineRDMABandwidth:
      return "GB/s"
    }
  }

  /// Whether a faster system has a larger figure (a rate) rather than a smaller one (a time).
  public var fasterIsHigher: Bool { self != .stepTime }

  /// Whether the figure needs per-device traffic (`cluster.placement`).
  public var needsPlacement: Bool {
    switch self {
    case .dispatchBandwidth, .combineBandwidth, .dispatchRDMABandwidth, .combineRDMABandwidth:
      return true
    case .stepTime, .tokensPerSecond, .tokensPerSecondPerDevice, .tokensPerSecondPerNode,
      .outputTokensPerSecondPerDevice:
      return false
    }
  }

  /// The run's figure; nil when the run was not timed (or moved no all-to-all traffic, for
  /// the bandwidths).
  public func predicted(_ totals: ClusterTotals, scenario: Scenario) -> Double? {
    guard totals.timed, totals.seconds > 0, totals.steps > 0 else { return nil }
    let tokensPerSecond = Double(totals.tokens) / totals.seconds
    let devices = Double(scenario.cluster.devices)
    let phases = totals.allToAll
    switch self {
    case .stepTime: return totals.seconds / Double(totals.steps)
    case .tokensPerSecond: return tokensPerSecond
    case .tokensPerSecondPerDevice: return tokensPerSecond / devices
    case .tokensPerSecondPerNode:
      return tokensPerSecond / (devices / Double(scenario.cluster.devicesPerNode))
    case .outputTokensPerSecondPerDevice:
      guard scenario.cluster.cost.mode == .decode else { return nil }
      return tokensPerSecond * scenario.cluster.cost.outputTokensPerStepToken / devices
    case .dispatchBandwidth:
      return Self.gigabytesPerSecond(phases.dispatchReceivedBytes, in: phases.dispatchSeconds)
    case .combineBandwidth:
      return Self.gigabytesPerSecond(phases.combineSentBytes, in: phases.combineSeconds)
    case .dispatchRDMABandwidth:
      return Self.gigabytesPerSecond(phases.dispatchNodeBytes, in: phases.dispatchSeconds)
    case .combineRDMABandwidth:
      return Self.gigabytesPerSecond(phases.combineNodeBytes, in: phases.combineSeconds)
    }
  }

  /// `bytes` over `seconds` in GB/s (10⁹ bytes); nil when no time was spent.
  private static func gigabytesPerSecond(_ bytes: Double, in seconds: Double) -> Double? {
    seconds > 0 ? bytes / seconds / 1e9 : nil
  }
}
