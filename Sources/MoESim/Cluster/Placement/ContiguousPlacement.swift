/// Experts in consecutive blocks, expert `e` on device `e / (E / D)` (Megatron-Core and vLLM's
/// default expert-parallel layout); redundant slots, if any, hold replicas of the heaviest
/// experts (EPLB's replication rule) after the experts themselves.
public struct ContiguousPlacement: PlacementStrategy {
  public init() {}

  public func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement {
    ExpertPlacement(
      experts: shape.experts, devices: shape.devices,
      slotExperts: Packing.replicate(loads, slots: shape.slots))
  }
}
