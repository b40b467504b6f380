/// Reading of the `precision`, `cluster` and `memory` sections (see the README's scenario
/// reference).
extension PrecisionSpec {
  static let keys = ScenarioKeys.names(in: "precision")

  init(reading reader: inout ScenarioReader) throws {
    self.init()
    weights = try reader.choice("weights", default: .bf16)
    expertWeights = try reader.choice("expert_weights", default: weights)
    weightGroupSize = try reader.int(
      "weight_group_size", default: 128, in: 0...ScenarioLimits.modelDimension,
      allowed: "0 (one scale per channel) or a group size ≥ 1")
    kvCache = try reader.choice("kv_cache", default: .bf16)
    activations = try reader.choice("activations", default: .bf16)
    dispatch = try reader.choice("dispatch", default: activations)
    combine = try reader.choice("combine", default: activations)
    matmul = try reader.raw("matmul") == nil ? nil : reader.choice("matmul")
    let elementwise = NumberFormat.allCases.filter(\.isElementwise).map(\.rawValue)
    for (key, format) in [
      ("kv_cache", kvCache), ("activations", activations), ("dispatch", dispatch),
      ("combine", combine),
    ]
    where !format.isElementwise {
      throw reader.error(
        key,
        .outOfRange(
          value: "\"\(format.rawValue)\"",
          allowed: elementwise.dropLast().joined(separator: ", ") + " or "
            + (elementwise.last ?? "")))
    }
  }
}

extension ClusterSpec {
  static let keys = ScenarioKeys.names(in: "cluster")

  init(reading reader: inout ScenarioReader, model: ModelSpec) throws {
    self.init()
    let layout = try reader.object("layout", keys: ParallelLayout.keys) {
      try ParallelLayout(reading: &$0, model: model)
    }
    self.layout = layout
    devices = try reader.int(
      "devices", default: layout.devices, in: layout.devices...layout.devices,
      allowed: "\(layout.devices) (layout tp × pp × dp)")
    try readDeviceKeys(&reader, model: model)
    maxTP = try reader.int("max_tp", default: 8, in: 1...4096)
  }
}

extension ParallelLayout {
  static let keys = ScenarioKeys.names(in: "cluster.layout")

  init(reading reader: inout ScenarioReader, model: ModelSpec) throws {
    self.init()
    let degree = 1...65_536
    tp = try reader.int("tp", default: 1, in: degree)
    let heads = model.attention.heads
    guard heads % tp == 0 else {
      throw reader.error(
        "tp",
        .outOfRange(value: String(tp), allowed: "a divisor of model.attention.heads = \(heads)"))
    }
    dp = try reader.int("dp", default: 1, in: degree)
    pp = try reader.int(
      "pp", default: 1, in: 1...model.layers, allowed: "1...\(model.layers) (model.layers)")
    let experts = model.moe?.experts ?? 1
    ep = try reader.int(
      "ep", default: 1, in: 1...experts,
      allowed: "1...\(experts) (model.moe.experts; 1 for a dense model)")
    expertTP = try reader.int("expert_tp", default: 1, in: degree)
    let group = tp * dp
    guard group % (ep * expertTP) == 0 else {
      throw reader.error(
        "ep",
        .outOfRange(
          value: String(ep),
          allowed: "ep × expert_tp (= \(ep * expertTP)) dividing tp × dp = \(group)"))
    }
  }
}

extension MemorySpec {
  static let keys = ScenarioKeys.names(in: "memory")

  init(reading reader: inout ScenarioReader, precision: PrecisionSpec) throws {
    self.init()
    mode = try reader.choice("mode", default: .inference)
    batch = try reader.int("batch", default: 1, in: 1...(1 << 30))
    context = try reader.int("context", default: 4096, in: 1...(1 << 40))
    zeroStage = try reader.int("zero_stage", default: 0, in: 0...3)
    recompute = try reader.choice("recompute", default: Recompute.none)
    prefillChunkTokens = try reader.optionalInt("prefill_chunk_tokens", in: 1...(1 << 40))
    for (key, format) in [
      ("weights", precision.weights), ("expert_weights", precision.expertWeights),
    ]
    where mode == .training && ![.fp32, .bf16, .fp16].contains(format) {
      throw reader.error(
        "mode",
        .outOfRange(
          value: "\"training\"",
          allowed: "\"inference\" with precision.\(key) = \"\(format.rawValue)\""
            + " (training needs fp32, bf16 or fp16 weights)"))
    }
  }
}

extension ComputeSpec {
  static let keys = ScenarioKeys.names(in: "compute")

  init(reading reader: inout ScenarioReader) throws {
    self.init()
    trainingTokens = try reader.optionalDouble(
      "training_tokens", allowed: "≥ 1 (tokens, e.g. 14.8e12)", where: { $0 >= 1 })
  }
}
