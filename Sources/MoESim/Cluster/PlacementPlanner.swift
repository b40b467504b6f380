/// Keeps every MoE layer's placement over a run: the strategy on uniform loads until the
/// warm-up window has been seen, a plan from the window's observed loads after it, and, when
/// `replan_every` is set, a new plan from the last `window_steps` steps every that many steps.
struct PlacementPlanner: Sendable {
  let spec: ClusterPlacementSpec
  let shape: PlacementShape
  private(set) var placements: [ExpertPlacement]
  private(set) var slotsOfExpert: [[[Int]]]
  /// The expert loads each layer's current plan was made from (all 1 before the first plan).
  private(set) var plannedLoads: [[Double]]
  /// Routed assignments per layer and expert of the last `windowSteps` steps (ring buffer).
  private var window: [[[Int]]]
  private var stepsSeen = 0

  init(spec: ClusterPlacementSpec, shape: PlacementShape, layers: Int) {
    self.spec = spec
    self.shape = shape
    let uniform = spec.strategy.place(
      loads: [Double](repeating: 1, count: shape.experts), shape: shape)
    placements = [ExpertPlacement](repeating: uniform, count: layers)
    slotsOfExpert = [[[Int]]](repeating: uniform.slotsOfExpert, count: layers)
    plannedLoads = [[Double]](
      repeating: [Double](repeating: 1, count: shape.experts), count: layers)
    window = []
  }

  /// Whether a plan is made before step `step` from the loads seen so far.
  func replansBefore(step: Int) -> Bool {
    guard step >= spec.windowSteps else { return false }
    if step == spec.windowSteps { return true }
    return spec.replanEvery > 0 && (step - spec.windowSteps) % spec.replanEvery == 0
  }

  /// Re-plans every layer from the window when due; returns each layer's slots replaced per
  /// device (nil when no plan was made).
  mutating func prepare(step: Int) -> [[Int]]? {
    guard replansBefore(step: step), !window.isEmpty else { return nil }
    var replaced: [[Int]] = []
    for layer in placements.indices {
      var loads = [Double](repeating: 0, count: shape.experts)
      for counts in window {
        for expert in 0..<shape.experts { loads[expert] += Double(counts[layer][expert]) }
      }
      let plan = spec.strategy.place(loads: loads, shape: shape)
      var perDevice = [Int](repeating: 0, count: shape.devices)
      for slot in 0..<plan.slots where plan.slotExperts[slot] != placements[layer].slotExperts[slot]
      {
        perDevice[plan.device(ofSlot: slot)] += 1
      }
      replaced.append(perDevice)
      placements[layer] = plan
      slotsOfExpert[layer] = plan.slotsOfExpert
      plannedLoads[layer] = loads
    }
    return replaced
  }

  /// The current plans of the MoE layers `layers` (transformer-block indices, one per plan) and
  /// the loads they were made from.
  func current(layers: [Int]) -> RunPlacement {
    RunPlacement(
      loads: ExpertLoadTable(layers: layers, experts: shape.experts, loads: plannedLoads),
      placements: placements)
  }

  /// Records one step's routed assignments per layer (`routed[layer][expert]`).
  mutating func record(_ routed: [[Int]]) {
    if window.count == spec.windowSteps { window.removeFirst() }
    window.append(routed)
    stepsSeen += 1
  }
}

extension PlacementPlanner {
  /// The per-device traffic of layer ordinal `layer` under the current placement.
  func traffic(
    layer: Int, selected: UnsafePointer<Int32>, dropped: [UInt8]?, tokens: Int, topK: Int,
    devicesPerNode: Int, replaced: [[Int]]?
  ) -> DeviceTraffic {
    let measure = { (flags: UnsafePointer<UInt8>?) in
      DeviceTraffic.measure(
        selected: selected, dropped: flags, tokens: tokens, topK: topK,
        placement: placements[layer], slotsOfExpert: slotsOfExpert[layer],
        devicesPerNode: devicesPerNode, dedup: spec.dedupDispatch,
        forwarding: spec.nodeForwarding)
    }
    var traffic =
      dropped.map { flags in flags.withUnsafeBufferPointer { measure($0.baseAddress) } }
      ?? measure(nil)
    if let replaced { traffic.slotsReplaced = replaced[layer] }
    return traffic
  }
}

extension PlacementPlanner {
  /// Counts the tokens whose first choice at MoE layer ordinal `layer` sits on the same device
  /// as their first choice at the layer before (`previous`), under the current placements. A
  /// token's copy goes to replica `t mod r` of an expert's `r` slots, as `DeviceTraffic` sends it.
  /// - Parameters:
  ///   - previous, current: each token's first-choice expert (-1 for none) at the two layers.
  func sameDeviceFirstChoices(
    layer: Int, previous: UnsafePointer<Int32>, current: UnsafePointer<Int32>, tokens: Int
  ) -> CrossLayerLocality {
    var locality = CrossLayerLocality()
    guard layer > 0 else { return locality }
    let before = slotsOfExpert[layer - 1]
    let after = slotsOfExpert[layer]
    let perDeviceBefore = placements[layer - 1].slotsPerDevice
    let perDeviceAfter = placements[layer].slotsPerDevice
    for token in 0..<tokens where previous[token] >= 0 && current[token] >= 0 {
      let slotsBefore = before[Int(previous[token])]
      let slotsAfter = after[Int(current[token])]
      let deviceBefore = slotsBefore[token % slotsBefore.count] / perDeviceBefore
      let deviceAfter = slotsAfter[token % slotsAfter.count] / perDeviceAfter
      locality.tokens += 1
      if deviceBefore == deviceAfter { locality.sameDevice += 1 }
    }
    return locality
  }
}
