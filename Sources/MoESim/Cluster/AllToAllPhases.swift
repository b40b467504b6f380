/// The expert-parallel all-to-all's dispatch and combine figures, summed over MoE layers (and
/// over steps in `ClusterTotals`), from which DeepEP-style logical bandwidths are read: bytes
/// over the slowest device's phase time (`ValidationMetric`).
public struct AllToAllPhases: Sendable, Equatable {
  /// Σ over MoE layers of the slowest device's dispatch and combine time (0 without a device).
  public var dispatchSeconds = 0.0
  public var combineSeconds = 0.0
  /// Σ over MoE layers of the mean over devices of the bytes received in dispatch, own tokens
  /// included (`CostModel.DeviceLayerCost.dispatchReceivedBytes`), and of what combine sends back.
  public var dispatchReceivedBytes = 0.0
  public var combineSentBytes = 0.0
  /// The same means over the devices' (token, destination node) pairs, DeepEP's RDMA count.
  public var dispatchNodeBytes = 0.0
  public var combineNodeBytes = 0.0

  public init() {}

  /// Adds every figure of `other` to `sum`.
  public static func += (sum: inout AllToAllPhases, other: AllToAllPhases) {
    sum.dispatchSeconds += other.dispatchSeconds
    sum.combineSeconds += other.combineSeconds
    sum.dispatchReceivedBytes += other.dispatchReceivedBytes
    sum.combineSentBytes += other.combineSentBytes
    sum.dispatchNodeBytes += other.dispatchNodeBytes
    sum.combineNodeBytes += other.combineNodeBytes
  }
}
