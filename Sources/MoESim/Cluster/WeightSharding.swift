/// How a parallel layout splits a model's weights over the devices of a pipeline stage: the one
/// rule that the memory estimate (`DeviceMemory`) and the step-time model (`NonExpertWork`,
/// `CostModel`) both read, so that a device's time is always spent on the weights its memory
/// holds.
///
/// Megatron-Core conventions: attention, dense FFN, shared experts, embedding and output head are
/// split over `tp` (the vocabulary row-wise); norms and routers are replicated; the routed
/// experts of an MoE block sit in `E + redundant` physical slots (EPLB's replicas included),
/// `ceil((E + redundant) / ep)` per device, and each slot's expert is split over `expert_tp`.
public struct WeightSharding: Sendable, Equatable {
  public var layout: ParallelLayout
  /// Extra physical expert slots per MoE layer (`cluster.placement.redundant_slots`).
  public var redundantExpertSlots: Int

  public init(layout: ParallelLayout, redundantExpertSlots: Int = 0) {
    self.layout = layout
    self.redundantExpertSlots = redundantExpertSlots
  }

  /// The sharding of `scenario`, on `layout` when given (else the scenario's own).
  public init(scenario: Scenario, layout: ParallelLayout? = nil) {
    self.init(
      layout: layout ?? scenario.cluster.layout,
      redundantExpertSlots: scenario.cluster.placement?.redundantSlots ?? 0)
  }

  /// Parameters of one tensor split over `tp` (attention, dense FFN, shared experts, embedding,
  /// head, MTP projection) on one device.
  public func tensorParallel(_ parameters: Double) -> Double {
    parameters / Double(layout.tp)
  }

  /// Parameters one device holds of `block`, without its routed experts:
  /// `(attention + dense FFN + shared experts) / tp + norms + router`.
  public func nonExpertParameters(_ block: BlockParameters) -> Double {
    tensorParallel(block.attention) + tensorParallel(block.denseFFN)
      + tensorParallel(block.sharedExperts) + block.norms + block.router
  }

  /// Physical expert slots of `block` on one device: `ceil((E + redundant) / ep)`, 0 for a
  /// dense block.
  public func expertSlotsPerDevice(_ block: BlockParameters) -> Double {
    guard block.routedExperts > 0 else { return 0 }
    return (Double(block.routedExperts + redundantExpertSlots) / Double(layout.ep)).rounded(.up)
  }

  /// Parameters of one expert slot on one device: one expert split over `expert_tp`.
  public func parametersPerExpertSlot(_ block: BlockParameters) -> Double {
    block.expertParameters / Double(layout.expertTP)
  }

  /// Routed-expert parameters one device holds of `block`.
  public func routedExpertParameters(_ block: BlockParameters) -> Double {
    expertSlotsPerDevice(block) * parametersPerExpertSlot(block)
  }
}
