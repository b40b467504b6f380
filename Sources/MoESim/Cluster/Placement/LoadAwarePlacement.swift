/// Greedy bin packing by observed load over all devices at once: the slot list (experts, then
/// replicas of the heaviest) sorted by load per replica, each slot to the least-loaded device
/// with a free slot (longest-processing-time-first with equal slot counts).
public struct LoadAwarePlacement: PlacementStrategy {
  public init() {}

  public func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement {
    let list = Packing.replicate(loads, slots: shape.slots)
    var counts = [Int](repeating: 0, count: shape.experts)
    for expert in list { counts[expert] += 1 }
    let slotLoads = list.map { loads[$0] / Double(counts[$0]) }
    let (pack, rank) = Packing.balanced(slotLoads, packs: shape.devices)
    return ExpertPlacement(
      experts: shape.experts, devices: shape.devices,
      slotExperts: Packing.layout(list, pack: pack, rank: rank, perDevice: shape.slotsPerDevice))
  }
}
