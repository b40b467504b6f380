/// Where the experts of one MoE layer live: `slotExperts[s]` is the expert held by physical slot
/// `s`, and slot `s` is on device `s / slotsPerDevice` (every device holds the same number of
/// slots, as in Megatron-Core, vLLM and DeepSeek's EPLB). An expert held by several slots
/// (replicas) has its tokens split evenly across them.
public struct ExpertPlacement: Sendable, Equatable {
  /// Logical experts of the layer.
  public let experts: Int
  public let devices: Int
  /// Expert of each physical slot, in slot (and so device) order.
  public let slotExperts: [Int]

  /// - Precondition: `slotExperts.count` is a multiple of `devices`, every entry is in
  ///   `0..<experts`, and every expert appears at least once (guaranteed by `PlacementShape`
  ///   and the strategies).
  public init(experts: Int, devices: Int, slotExperts: [Int]) {
    self.experts = experts
    self.devices = devices
    self.slotExperts = slotExperts
  }

  public var slots: Int { slotExperts.count }
  public var slotsPerDevice: Int { slots / devices }
  public func device(ofSlot slot: Int) -> Int { slot / slotsPerDevice }

  /// Slots holding each expert (its replica count).
  public var replicas: [Int] {
    var counts = [Int](repeating: 0, count: experts)
    for expert in slotExperts { counts[expert] += 1 }
    return counts
  }

  /// The slots of each expert, in slot order.
  public var slotsOfExpert: [[Int]] {
    var table = [[Int]](repeating: [], count: experts)
    for (slot, expert) in slotExperts.enumerated() { table[expert].append(slot) }
    return table
  }

  /// Load of every device when expert `e` receives `expertLoads[e]` (tokens, or any additive
  /// work), split evenly across the expert's replicas.
  public func deviceLoads(expertLoads: [Double]) -> [Double] {
    let counts = replicas
    var loads = [Double](repeating: 0, count: devices)
    for (slot, expert) in slotExperts.enumerated() {
      loads[device(ofSlot: slot)] += expertLoads[expert] / Double(counts[expert])
    }
    return loads
  }

  /// Largest device load for `expertLoads`.
  public func maxDeviceLoad(expertLoads: [Double]) -> Double {
    deviceLoads(expertLoads: expertLoads).max() ?? 0
  }

  /// Slots whose expert differs from `previous`'s: each is one expert's weights copied in when
  /// re-planning (a device already holding the expert elsewhere still counts, conservatively).
  public func slotsChanged(from previous: ExpertPlacement) -> Int {
    zip(slotExperts, previous.slotExperts).filter { $0 != $1 }.count
  }
}

/// A way of placing experts on devices: a family chosen by `cluster.placement.strategy`.
public protocol PlacementStrategy: Sendable {
  /// Places one layer.
  /// - Parameters:
  ///   - loads: observed load of every logical expert (tokens; only ratios matter).
  ///   - shape: slots, devices, nodes and expert groups, already validated.
  func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement
}

/// The strategies, by their scenario / command-line name.
public enum PlacementKind: String, Sendable, CaseIterable, Encodable {
  case contiguous
  case roundRobin = "round_robin"
  case loadAware = "load_aware"
  case replicated

  /// Places one layer with this strategy.
  public func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement {
    switch self {
    case .contiguous: return ContiguousPlacement().place(loads: loads, shape: shape)
    case .roundRobin: return RoundRobinPlacement().place(loads: loads, shape: shape)
    case .loadAware: return LoadAwarePlacement().place(loads: loads, shape: shape)
    case .replicated: return ReplicatedPlacement().place(loads: loads, shape: shape)
    }
  }
}
