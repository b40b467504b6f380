import Foundation
import Testing

@testable import MoESim

/// Hand-computed placements of small layers, and the properties the strategies promise.
@Suite struct PlacementTests {
  static func shape(_ experts: Int, _ slots: Int, _ devices: Int, nodes: Int = 1, groups: Int = 1)
    throws -> PlacementShape
  {
    try PlacementShape(
      experts: experts, slots: slots, devices: devices, nodes: nodes, groups: groups)
  }

  /// Loads [4, 3, 2, 1] on 2 devices. By hand: contiguous {0,1} {2,3} → [7, 3]; round robin
  /// {0,2} {1,3} → [6, 4]; load-aware LPT: 4→d0, 3→d1, 2→d1 (3 < 4), 1→d0 (d1 full)
  /// → [5, 5].
  @Test func fourExpertsOnTwoDevices() throws {
    let loads: [Double] = [4, 3, 2, 1]
    let shape = try Self.shape(4, 4, 2)
    #expect(ContiguousPlacement().place(loads: loads, shape: shape).slotExperts == [0, 1, 2, 3])
    #expect(
      ContiguousPlacement().place(loads: loads, shape: shape).deviceLoads(expertLoads: loads)
        == [7, 3])
    #expect(RoundRobinPlacement().place(loads: loads, shape: shape).slotExperts == [0, 2, 1, 3])
    #expect(
      LoadAwarePlacement().place(loads: loads, shape: shape).deviceLoads(expertLoads: loads)
        == [5, 5])
    #expect(
      ReplicatedPlacement().place(loads: loads, shape: shape).maxDeviceLoad(expertLoads: loads)
        == 5)
  }

  /// Loads [8, 2, 1, 1] on 2 devices. Without redundancy the best split pairs 8 with a 1:
  /// max 9 (contiguous gives 8 + 2 = 10). With 6 slots expert 0 gets two extra replicas
  /// (8/2 = 4 > 2, then 8/3 ≈ 2.67 > 2): slot loads 8/3 ×3, 2, 1, 1, three per device; the best
  /// triple split is {8/3, 2, 1} = 17/3 and {8/3, 8/3, 1} = 19/3, so max 19/3.
  @Test func replicationOfTheHeaviestExpert() throws {
    let loads: [Double] = [8, 2, 1, 1]
    let plain = ReplicatedPlacement().place(loads: loads, shape: try Self.shape(4, 4, 2))
    #expect(plain.maxDeviceLoad(expertLoads: loads) == 9)
    let redundant = ReplicatedPlacement().place(loads: loads, shape: try Self.shape(4, 6, 2))
    #expect(redundant.replicas == [3, 1, 1, 1])
    #expect(abs(redundant.maxDeviceLoad(expertLoads: loads) - 19.0 / 3) < 1e-12)
    // Replica loads are split evenly: the total is conserved.
    #expect(abs(redundant.deviceLoads(expertLoads: loads).reduce(0, +) - 12) < 1e-12)
  }

  /// 8 experts in 4 groups of 2 on 2 nodes × 2 devices. Group loads 10, 9, 1, 1: balanced
  /// packing puts g0 (10) on node 0, g1 (9) on node 1, g2 (1) on node 1 (9 < 10), g3 on node 0
  /// (node 1 is full). Node 0 holds experts [6, 4, 0.5, 0.5]: 6→d0, 4→d1, 0.5→d1,
  /// 0.5→d0 → [6.5, 4.5]; node 1 holds [5, 4, 0.5, 0.5] → [5.5, 4.5]. No swap lowers 6.5
  /// (6↔4 gives 6.5 on d1). Contiguous would give 6 + 4 = 10 on d0.
  @Test func hierarchicalKeepsGroupsOnNodes() throws {
    let loads: [Double] = [6, 4, 5, 4, 0.5, 0.5, 0.5, 0.5]
    let plan = ReplicatedPlacement().place(
      loads: loads, shape: try Self.shape(8, 8, 4, nodes: 2, groups: 4))
    #expect(plan.deviceLoads(expertLoads: loads) == [6.5, 4.5, 5.5, 4.5])
    let nodeOf = { (expert: Int) in plan.device(ofSlot: plan.slotsOfExpert[expert][0]) / 2 }
    #expect([0, 1, 6, 7].map(nodeOf) == [0, 0, 0, 0])
    #expect([2, 3, 4, 5].map(nodeOf) == [1, 1, 1, 1])
  }

  @Test func shapeRulesAreChecked() {
    #expect(throws: PlacementShapeError.self) { try Self.shape(4, 3, 1) }
    #expect(throws: PlacementShapeError.self) { try Self.shape(4, 5, 2) }
    #expect(throws: PlacementShapeError.self) { try Self.shape(4, 4, 2, nodes: 3) }
    #expect(throws: PlacementShapeError.self) { try Self.shape(4, 4, 2, groups: 3) }
  }

  /// Every strategy holds every expert at least once, fills every slot, and conserves load.
  @Test(arguments: PlacementKind.allCases) func everyExpertIsPlaced(kind: PlacementKind) throws {
    var generator = TestLoads(seed: 7)
    for _ in 0..<20 {
      let loads = generator.layer(experts: 16)
      let placement = kind.place(
        loads: loads, shape: try Self.shape(16, 24, 4, nodes: 2, groups: 4))
      #expect(placement.slots == 24)
      #expect(placement.replicas.allSatisfy { $0 >= 1 })
      let total = placement.deviceLoads(expertLoads: loads).reduce(0, +)
      #expect(abs(total - loads.reduce(0, +)) < 1e-9 * total)
    }
  }

  /// On skewed random layers (our own matrices), replicated is never worse than contiguous at
  /// the same slots, and never worse than the independent EPLB transcription below.
  @Test(arguments: [
    (16, 16, 4, 1, 1), (16, 24, 4, 2, 4), (32, 40, 8, 2, 8), (64, 72, 8, 1, 1),
    (64, 80, 16, 4, 8), (8, 8, 2, 1, 1),
  ])
  func replicatedIsNeverWorse(
    experts: Int, slots: Int, devices: Int, nodes: Int, groups: Int
  ) throws {
    let shape = try Self.shape(experts, slots, devices, nodes: nodes, groups: groups)
    let plainShape = try Self.shape(experts, experts, devices, nodes: nodes, groups: groups)
    var generator = TestLoads(seed: UInt64(experts * 1000 + slots))
    for _ in 0..<30 {
      let loads = generator.layer(experts: experts)
      let replicated = ReplicatedPlacement().place(loads: loads, shape: shape)
        .maxDeviceLoad(expertLoads: loads)
      let contiguous = ContiguousPlacement().place(loads: loads, shape: shape)
        .maxDeviceLoad(expertLoads: loads)
      let reference = EPLBReference.maxDeviceLoad(
        loads: loads, slots: slots, devices: devices, nodes: nodes, groups: groups)
      #expect(replicated <= contiguous * (1 + 1e-12))
      #expect(replicated <= reference * (1 + 1e-12))
      let plainReplicated = ReplicatedPlacement().place(loads: loads, shape: plainShape)
        .maxDeviceLoad(expertLoads: loads)
      let plainContiguous = ContiguousPlacement().place(loads: loads, shape: plainShape)
        .maxDeviceLoad(expertLoads: loads)
      #expect(plainReplicated <= plainContiguous * (1 + 1e-12))
      // Never below the lower bound: the mean device load.
      #expect(replicated >= loads.reduce(0, +) / Double(devices) * (1 - 1e-12))
    }
  }
}

/// Skewed positive loads from a small LCG (Knuth's MMIX constants), so the test does not
/// depend on the simulator's own generator.
struct TestLoads {
  var state: UInt64
  init(seed: UInt64) { state = seed &+ 1 }

  mutating func next() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }

  /// Loads with a heavy tail: 1 / u^1.5 for uniform u.
  mutating func layer(experts: Int) -> [Double] {
    (0..<experts).map { _ in 1 / pow(max(next(), 1e-3), 1.5) }
  }
}

/// A direct transcription of DeepSeek's EPLB `rebalance_experts` (github.com/deepseek-ai/EPLB,
/// eplb.py) for one layer, written independently of `ReplicatedPlacement`: it returns the
/// largest device load of EPLB's plan.
enum EPLBReference {
  static func balancedPacking(_ weight: [Double], packs: Int) -> (pack: [Int], rank: [Int]) {
    let per = weight.count / packs
    let order = weight.indices.sorted { weight[$0] > weight[$1] }
    var pack = [Int](repeating: -1, count: weight.count)
    var rank = pack
    var packWeights = [Double](repeating: 0, count: packs)
    var items = [Int](repeating: 0, count: packs)
    for item in order {
      let chosen = (0..<packs).filter { items[$0] < per }.min { packWeights[$0] < packWeights[$1] }!
      pack[item] = chosen
      rank[item] = items[chosen]
      packWeights[chosen] += weight[item]
      items[chosen] += 1
    }
    return (pack, rank)
  }

  static func replicate(_ weight: [Double], physical: Int) -> (phy2log: [Int], count: [Int]) {
    var phy2log = Array(weight.indices)
    var count = [Int](repeating: 1, count: weight.count)
    for _ in weight.count..<physical {
      let best = weight.indices.max {
        weight[$0] / Double(count[$0]) < weight[$1] / Double(count[$1])
      }!
      phy2log.append(best)
      count[best] += 1
    }
    return (phy2log, count)
  }

  static func maxDeviceLoad(
    loads: [Double], slots: Int, devices: Int, nodes requestedNodes: Int,
    groups requestedGroups: Int
  ) -> Double {
    let hierarchical = requestedGroups % requestedNodes == 0
    let nodes = hierarchical ? requestedNodes : 1
    let groups = hierarchical ? requestedGroups : 1
    let groupSize = loads.count / groups
    let groupLoads = (0..<groups).map { g in
      loads[(g * groupSize)..<((g + 1) * groupSize)].reduce(0, +)
    }
    let nodeOfGroup = balancedPacking(groupLoads, packs: nodes).pack
    var deviceLoads: [Double] = []
    for node in 0..<nodes {
      let members = (0..<groups).filter { nodeOfGroup[$0] == node }
        .flatMap { Array(($0 * groupSize)..<(($0 + 1) * groupSize)) }
      let weight = members.map { loads[$0] }
      let (phy2log, count) = replicate(weight, physical: slots / nodes)
      let phyLoads = phy2log.map { weight[$0] / Double(count[$0]) }
      let pack = balancedPacking(phyLoads, packs: devices / nodes).pack
      var local = [Double](repeating: 0, count: devices / nodes)
      for (index, device) in pack.enumerated() { local[device] += phyLoads[index] }
      deviceLoads += local
    }
    return deviceLoads.max() ?? 0
  }
}
