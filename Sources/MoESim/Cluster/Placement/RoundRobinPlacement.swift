/// Slot `i` of the slot list (experts, then replicas of the heaviest) on device `i mod D`: expert
/// `e` of a layer without redundancy lands on device `e mod D`.
public struct RoundRobinPlacement: PlacementStrategy {
  public init() {}

  public func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement {
    let list = Packing.replicate(loads, slots: shape.slots)
    let perDevice = shape.slotsPerDevice
    var placed = [Int](repeating: 0, count: list.count)
    for (index, expert) in list.enumerated() {
      placed[(index % shape.devices) * perDevice + index / shape.devices] = expert
    }
    return ExpertPlacement(experts: shape.experts, devices: shape.devices, slotExperts: placed)
  }
}
