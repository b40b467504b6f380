/// EPLB-style placement (DeepSeek-V3 tech report, sec. 3.4 "redundant experts", and DeepSeek's
/// EPLB algorithm, github.com/deepseek-ai/EPLB): redundant slots replicate the heaviest experts
/// and the replicas are packed to minimise the largest device load.
///
/// Hierarchical when the expert groups split evenly over the nodes: groups are packed to nodes
/// by load (each node the same number of groups), then inside each node its experts are
/// replicated into the node's slots and the replicas packed to the node's devices; otherwise the
/// same with one node. Two steps beyond EPLB: a swap search then moves load off the fullest
/// device while a swap between it and another device (of the same node, when hierarchical)
/// lowers their larger load; and the contiguous layout is kept instead when it is better, so
/// the result is never worse than contiguous on the largest device load.
public struct ReplicatedPlacement: PlacementStrategy {
  public init() {}

  public func place(loads: [Double], shape: PlacementShape) -> ExpertPlacement {
    let nodes = shape.isHierarchical ? shape.nodes : 1
    let planned = ExpertPlacement(
      experts: shape.experts, devices: shape.devices,
      slotExperts: Self.improve(
        Self.eplb(loads: loads, shape: shape, nodes: nodes), loads: loads, shape: shape,
        nodes: nodes))
    let contiguous = ContiguousPlacement().place(loads: loads, shape: shape)
    return contiguous.maxDeviceLoad(expertLoads: loads) < planned.maxDeviceLoad(expertLoads: loads)
      ? contiguous : planned
  }

  /// The EPLB plan: groups to nodes, replication inside each node, replicas to devices.
  static func eplb(loads: [Double], shape: PlacementShape, nodes: Int) -> [Int] {
    let groups = nodes > 1 ? shape.groups : 1
    let groupSize = shape.experts / groups
    let groupLoads = (0..<groups).map { group in
      (0..<groupSize).reduce(0.0) { $0 + loads[group * groupSize + $1] }
    }
    let nodeOfGroup = Packing.balanced(groupLoads, packs: nodes).pack
    let slotsPerNode = shape.slots / nodes
    let devicesPerNode = shape.devices / nodes
    var slotExperts: [Int] = []
    slotExperts.reserveCapacity(shape.slots)
    for node in 0..<nodes {
      let nodeExperts = (0..<groups).filter { nodeOfGroup[$0] == node }.flatMap { group in
        (group * groupSize)..<((group + 1) * groupSize)
      }
      let nodeLoads = nodeExperts.map { loads[$0] }
      let list = Packing.replicate(nodeLoads, slots: slotsPerNode)
      var counts = [Int](repeating: 0, count: nodeLoads.count)
      for local in list { counts[local] += 1 }
      let slotLoads = list.map { nodeLoads[$0] / Double(counts[$0]) }
      let (pack, rank) = Packing.balanced(slotLoads, packs: devicesPerNode)
      let placed = Packing.layout(list, pack: pack, rank: rank, perDevice: shape.slotsPerDevice)
      slotExperts += placed.map { nodeExperts[$0] }
    }
    return slotExperts
  }

  /// Pairwise swap search: while some swap between the fullest device and another device of
  /// its node lowers the larger of their two loads, apply the best one. Each accepted swap
  /// narrows one pair's spread at equal sum, so the sum of squared loads falls strictly and the
  /// search ends; it is capped anyway.
  static func improve(_ start: [Int], loads: [Double], shape: PlacementShape, nodes: Int)
    -> [Int]
  {
    var slotExperts = start
    let perDevice = shape.slotsPerDevice
    let devicesPerNode = shape.devices / nodes
    var counts = [Int](repeating: 0, count: shape.experts)
    for expert in slotExperts { counts[expert] += 1 }
    let slotLoad = { (slot: Int) in loads[slotExperts[slot]] / Double(counts[slotExperts[slot]]) }
    var deviceLoads = [Double](repeating: 0, count: shape.devices)
    for slot in slotExperts.indices { deviceLoads[slot / perDevice] += slotLoad(slot) }
    for _ in 0..<(4 * shape.slots) {
      var fullest = 0
      for device in deviceLoads.indices where deviceLoads[device] > deviceLoads[fullest] {
        fullest = device
      }
      let node = fullest / devicesPerNode
      var best: (a: Int, b: Int, peak: Double)?
      for a in (fullest * perDevice)..<((fullest + 1) * perDevice) {
        for other in (node * devicesPerNode)..<((node + 1) * devicesPerNode) where other != fullest
        {
          for b in (other * perDevice)..<((other + 1) * perDevice) {
            let moved = slotLoad(a) - slotLoad(b)
            guard moved > 0 else { continue }
            let peak = max(deviceLoads[fullest] - moved, deviceLoads[other] + moved)
            // Relative margin so rounding noise cannot make the search cycle.
            if peak < deviceLoads[fullest] * (1 - 1e-12), peak < (best?.peak ?? .infinity) {
              best = (a, b, peak)
            }
          }
        }
      }
      guard let swap = best else { break }
      let moved = slotLoad(swap.a) - slotLoad(swap.b)
      deviceLoads[fullest] -= moved
      deviceLoads[swap.b / perDevice] += moved
      slotExperts.swapAt(swap.a, swap.b)
    }
    return slotExperts
  }
}
