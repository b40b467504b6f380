/// Reading of the `cluster` keys of the device catalog, placement and time model:
/// `device`, `devices_per_node`, `placement`, `cost`.
extension ClusterSpec {
  /// Reads the device keys; `device_memory_gib` defaults to the device's usable memory when a
  /// device is named (so a device given by `--set` alone brings its memory), so it is read here
  /// too.
  mutating func readDeviceKeys(_ reader: inout ScenarioReader, model: ModelSpec) throws {
    device = try Self.readDevice(&reader)
    let explicitMemory = reader.raw("device_memory_gib") != nil
    deviceMemoryGiB = try reader.double(
      "device_memory_gib", default: device?.usableMemoryGiB ?? Self.defaultDeviceMemoryGiB,
      allowed: "> 0", where: { $0 > 0 })
    deviceMemorySource = explicitMemory ? .scenario : device == nil ? .default : .device
    memoryUtilization = try reader.double(
      "memory_utilization", default: 1, allowed: "in (0, 1]", where: { $0 > 0 && $0 <= 1 })
    let share = deviceMemoryGiB * memoryUtilization
    memoryReserveGiB = try reader.double(
      "memory_reserve_gib", default: 0,
      allowed: "≥ 0 and below device_memory_gib × memory_utilization = \(share) GiB",
      where: { $0 >= 0 && $0 < share })
    devicesPerNode = try reader.int(
      "devices_per_node", default: device?.devicesPerNode ?? 8, in: 1...65_536)
    let ep = layout.ep
    let nodes = ep > devicesPerNode ? ep / devicesPerNode : 1
    if reader.raw("placement") != nil && ep > devicesPerNode && ep % devicesPerNode != 0 {
      // Name the key the user wrote: the cluster's, else the inline device's.
      var source = "devices_per_node"
      if reader.raw("devices_per_node") == nil, case .object? = reader.raw("device") {
        source = "device.devices_per_node"
      }
      throw reader.error(
        source,
        .outOfRange(
          value: String(devicesPerNode),
          allowed: "a divisor of layout.ep = \(ep) when ep spans several nodes (with placement)"))
    }
    let perNode = devicesPerNode
    placement = try reader.optionalObject("placement", keys: ClusterPlacementSpec.keys) {
      try ClusterPlacementSpec(reading: &$0, model: model, ep: ep, nodes: nodes, perNode: perNode)
    }
    cost = try reader.object("cost", keys: ClusterCostSpec.keys) {
      try ClusterCostSpec(
        reading: &$0, pp: layout.pp, blocks: model.layers, mtpModules: model.mtpModules,
        moe: model.moe != nil)
    }
  }

  private static func readDevice(_ reader: inout ScenarioReader) throws -> DeviceSpec? {
    guard let value = reader.raw("device") else { return nil }
    let names = DeviceCatalog.names.map { "\"\($0)\"" }.joined(separator: ", ")
    if case .string(let name) = value {
      guard let device = DeviceCatalog.device(named: name) else {
        throw reader.error(
          "device", .outOfRange(value: value.rendered, allowed: "one of \(names), or an object"))
      }
      return device
    }
    guard case .object = value else {
      throw reader.error(
        "device", .wrongType(value: value.rendered, expected: "one of \(names), or an object"))
    }
    return try reader.optionalObject("device", keys: DeviceSpec.keys) {
      try DeviceSpec(reading: &$0)
    }
  }
}

extension DeviceSpec {
  static let keys = ScenarioKeys.names(in: "cluster.device")

  init(reading reader: inout ScenarioReader) throws {
    let fields = reader
    let positive = { (key: String) throws -> Double in
      try fields.double(key, allowed: "> 0", where: { $0 > 0 })
    }
    let optionalPositive = { (key: String) throws -> Double? in
      try fields.optionalDouble(key, allowed: "> 0", where: { $0 > 0 })
    }
    let rates = ArithmeticLimits.deviceRate
    let ratesAllowed = "a number in 1e-06...1e+12 (times are work over rate)"
    let rate = { (key: String) throws -> Double in
      try fields.double(key, allowed: ratesAllowed, where: rates.contains)
    }
    let optionalRate = { (key: String) throws -> Double? in
      try fields.optionalDouble(key, allowed: ratesAllowed, where: rates.contains)
    }
    let latencies = 0...ArithmeticLimits.linkLatencyMicroseconds
    self.init(
      name: try reader.optionalString("name") ?? "custom", memoryGB: try positive("memory_gb"),
      hbmBandwidthGBps: try rate("hbm_bandwidth_gbps"),
      fp32TFLOPs: try optionalRate("fp32_tflops"), bf16TFLOPs: try rate("bf16_tflops"),
      fp8TFLOPs: try optionalRate("fp8_tflops"), int8TOPs: try optionalRate("int8_tops"),
      intraNodeBandwidthGBps: try rate("intra_node_bandwidth_gbps"),
      interNodeBandwidthGBps: try rate("inter_node_bandwidth_gbps"),
      linkLatencyMicroseconds: try reader.double(
        "link_latency_us", default: 2, allowed: "a number in 0...1e+09",
        where: latencies.contains),
      devicesPerNode: try reader.int("devices_per_node", default: 8, in: 1...65_536),
      usableMemoryGiB: try optionalPositive("usable_memory_gib"),
      fp4TFLOPs: try optionalRate("fp4_tflops"))
  }
}

extension ClusterPlacementSpec {
  static let keys = ScenarioKeys.names(in: "cluster.placement")

  init(reading reader: inout ScenarioReader, model: ModelSpec, ep: Int, nodes: Int, perNode: Int)
    throws
  {
    self.init()
    guard let moe = model.moe else {
      throw ScenarioError(
        file: reader.file, path: reader.path,
        kind: .outOfRange(value: "{...}", allowed: "no placement for a dense model (no model.moe)"))
    }
    strategy = try reader.choice("strategy", default: .contiguous)
    redundantSlots = try reader.int("redundant_slots", default: 0, in: 0...ScenarioLimits.experts)
    let slots = moe.experts + redundantSlots
    if slots % ep != 0 {
      throw reader.error(
        "redundant_slots",
        .outOfRange(
          value: String(redundantSlots),
          allowed: "a count making model.moe.experts + redundant_slots (= \(slots)) a multiple"
            + " of cluster.layout.ep = \(ep)"))
    }
    groups = try reader.int("groups", default: 1, in: 1...moe.experts)
    if moe.experts % groups != 0 {
      throw reader.error(
        "groups",
        .outOfRange(
          value: String(groups), allowed: "a divisor of model.moe.experts = \(moe.experts)"))
    }
    windowSteps = try reader.int("window_steps", default: 1, in: 1...(1 << 30))
    replanEvery = try reader.int("replan_every", default: 0, in: 0...(1 << 30))
    dedupDispatch = try reader.bool("dedup_dispatch", default: true)
    export = try reader.raw("export") == nil ? nil : reader.choice("export")
    nodeForwarding = try reader.bool("node_forwarding", default: false)
    if nodeForwarding && !dedupDispatch {
      throw reader.error(
        "node_forwarding",
        .outOfRange(
          value: "true",
          allowed: "false while dedup_dispatch is false (forwarding sends a token once per node and"
            + " once per device)"))
    }
  }

  /// The placement sizes of `model` on `cluster`.
  public func shape(model: ModelSpec, cluster: ClusterSpec) -> PlacementShape? {
    guard let moe = model.moe else { return nil }
    let ep = cluster.layout.ep
    return try? PlacementShape(
      experts: moe.experts, slots: moe.experts + redundantSlots, devices: ep,
      nodes: ep > cluster.devicesPerNode ? ep / cluster.devicesPerNode : 1, groups: groups)
  }
}

extension ClusterCostSpec {
  static let keys = ScenarioKeys.names(in: "cluster.cost")

  /// Reads `cluster.cost` for a layout of `pp` pipeline stages over `blocks` blocks, of a model
  /// with `mtpModules` multi-token-prediction modules (`moe`: with MoE layers).
  init(
    reading reader: inout ScenarioReader, pp: Int, blocks: Int, mtpModules: Int, moe: Bool
  ) throws {
    self.init()
    mode = try reader.choice("mode", default: .prefill)
    gemmEfficiency = try reader.choice("gemm_efficiency", default: .peak)
    attentionEfficiency = try reader.choice("attention_efficiency", default: .peak)
    let fit = gemmEfficiency == .deepgemm ? GroupedGemmFit.deepGEMM : .peak
    let fraction = "a number in 1e-06...1 (times are work over rate × efficiency)"
    let efficiencies = ArithmeticLimits.efficiency
    computeEfficiency = try reader.double(
      "compute_efficiency", default: fit.peakFraction, allowed: fraction,
      where: efficiencies.contains)
    expertPaddingRows = try reader.double(
      "expert_padding_rows", default: fit.paddingRows, allowed: "in [0, 2^20]",
      where: { $0 >= 0 && $0 <= 1_048_576 })
    bandwidthEfficiency = try reader.double(
      "bandwidth_efficiency", default: 1, allowed: fraction, where: efficiencies.contains)
    overlap = try reader.double(
      "overlap", default: 0, allowed: "in [0, 1]", where: { $0 >= 0 && $0 <= 1 })
    twoBatchOverlap = try reader.bool("two_batch_overlap", default: false)
    if twoBatchOverlap && overlap > 0 {
      throw reader.error(
        "two_batch_overlap",
        .outOfRange(
          value: "true",
          allowed: "false while cluster.cost.overlap > 0 (one overlap model at a time)"))
    }
    communicationSMFraction = try reader.double(
      "communication_sm_fraction", default: 0, allowed: "in [0, 1)", where: { $0 >= 0 && $0 < 1 })
    if communicationSMFraction > 0 && !twoBatchOverlap {
      throw reader.error(
        "communication_sm_fraction",
        .outOfRange(
          value: String(communicationSMFraction),
          allowed: "0 unless two_batch_overlap is true (the units are shared while overlapping)"))
    }
    prefixCacheHitRate = try reader.double(
      "prefix_cache_hit_rate", default: 0, allowed: "in [0, 1)", where: { $0 >= 0 && $0 < 1 })
    if prefixCacheHitRate > 0 && mode != .prefill {
      throw reader.error(
        "prefix_cache_hit_rate",
        .outOfRange(
          value: String(prefixCacheHitRate), allowed: "0 unless cluster.cost.mode is \"prefill\""))
    }
    mtpDraftTokens = try reader.int("mtp_draft_tokens", default: 0, in: 0...16)
    // The drafts' MTP module is costed as one of the model's MoE layers.
    if mtpDraftTokens > 0 && (mode != .decode || mtpModules == 0 || !moe) {
      throw reader.error(
        "mtp_draft_tokens",
        .outOfRange(
          value: String(mtpDraftTokens),
          allowed: "0 unless cluster.cost.mode is \"decode\" and an MoE model has"
            + " model.mtp_modules ≥ 1 (now \(mtpModules), \(moe ? "MoE" : "dense"))"))
    }
    let draft = Double(mtpDraftTokens)
    mtpAcceptedTokens = try reader.double(
      "mtp_accepted_tokens", default: 0, allowed: "in [0, mtp_draft_tokens = \(mtpDraftTokens)]",
      where: { $0 >= 0 && $0 <= draft })
    chargeReplanCopy = try reader.bool("charge_replan_copy", default: true)
    microBatches = try reader.int("micro_batches", default: 1, in: 1...(1 << 20))
    // Every chunk holds at least one block: `pp × virtual_stages` chunks over the blocks.
    let chunks = pp > 1 ? max(1, blocks / pp) : 1
    virtualStages = try reader.int(
      "virtual_stages", default: 1, in: 1...chunks,
      allowed: pp > 1
        ? "1...\(chunks) (model.layers / cluster.layout.pp: each chunk at least one block)"
        : "1 (the interleaved schedule needs cluster.layout.pp ≥ 2)")
    // The interleaved schedule's bubble (p − 1)/(v · m) holds for m a multiple of p
    // (Narayanan et al. 2021, arXiv:2104.04473, sec. 2.2.2).
    if virtualStages > 1 && microBatches % pp != 0 {
      throw reader.error(
        "micro_batches",
        .outOfRange(
          value: String(microBatches),
          allowed: "a multiple of cluster.layout.pp = \(pp) while virtual_stages > 1"))
    }
  }
}
