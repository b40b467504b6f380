extension RouterSpec {
  /// The keys of a `RouterSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "router")

  init(reading reader: inout ScenarioReader) throws {
    kind = try reader.choice("kind", default: .softmaxTopK)
    normalizeTopK = try reader.bool("normalize_topk", default: true)
    capacityFactor = try reader.optionalDouble(
      "capacity_factor", allowed: "> 0, or null for dropless", where: { $0 > 0 })
    minCapacity = try reader.int("min_capacity", default: 0, in: 0...(1 << 30))
    dropPolicy = try reader.choice("drop_policy", default: .probs)
    temperature = try reader.double("temperature", default: 1, allowed: "> 0", where: { $0 > 0 })
    biasSpread = try reader.double("bias_spread", default: 0, allowed: "≥ 0", where: { $0 >= 0 })
    let file = reader.file
    biasSpreadByLayer = try reader.optionalArray("bias_spread_by_layer") { element, path in
      let number: Double? =
        switch element {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
      guard let value = number, value.isFinite, value >= 0 else {
        throw ScenarioError(
          file: file, path: path,
          kind: .wrongType(value: element.rendered, expected: "a number ≥ 0"))
      }
      return value
    }
    scoreOrder = try reader.choice("score_order", default: .softmaxThenTopK)
    routedScalingFactor = try reader.double(
      "routed_scaling_factor", default: 1, allowed: "> 0", where: { $0 > 0 })
    groups = try reader.int("n_group", default: 1, in: 1...ScenarioLimits.experts)
    let groups = groups
    topKGroups = try reader.int(
      "topk_group", default: groups, in: 1...groups, allowed: "1...\(groups) (router.n_group)")
    groupScore = try reader.choice("group_score", default: .top2)
    noiseStd = try reader.double("noise_std", default: 1, allowed: "≥ 0", where: { $0 >= 0 })
    capacityScope = try reader.choice("capacity_scope", default: .batch)
    padToCapacity = try reader.bool("pad_to_capacity", default: false)
    biasUpdateRate = try reader.double(
      "bias_update_rate", default: 0, allowed: "≥ 0", where: { $0 >= 0 })
    auxBiasCoefficient = try reader.double(
      "aux_bias_coeff", default: 0, allowed: "≥ 0", where: { $0 >= 0 })
    auxLossCoefficient = try reader.double(
      "aux_loss_coeff", default: 0, allowed: "≥ 0", where: { $0 >= 0 })
    sequenceAuxLoss = try reader.bool("sequence_aux_loss", default: false)
    warmupSteps = try reader.int("warmup_steps", default: 0, in: 0...ScenarioLimits.warmupSteps)
  }

  /// Checks the router against the model and workload it routes for.
  func validate(model: ModelSpec, workload: WorkloadSpec, file: String) throws {
    guard let moe = model.moe else { return }
    func refuse(_ key: String, _ value: String, _ allowed: String) -> ScenarioError {
      ScenarioError(
        file: file, path: "router.\(key)", kind: .outOfRange(value: value, allowed: allowed))
    }
    let kindValue = "\"\(kind.rawValue)\""
    if kind == .switchTop1 && moe.topK != 1 {
      throw refuse("kind", kindValue, "with model.moe.top_k = 1 only (got \(moe.topK))")
    }
    if kind == .gshardTop2 && moe.topK != 2 {
      throw refuse("kind", kindValue, "with model.moe.top_k = 2 only (got \(moe.topK))")
    }
    if groups > 1 {
      guard kind.selectsPerToken else {
        throw refuse("n_group", String(groups), "1 for router.kind = \(kindValue)")
      }
      guard moe.experts % groups == 0 else {
        throw refuse(
          "n_group", String(groups), "a divisor of model.moe.experts = \(moe.experts)")
      }
      let reachable = topKGroups * (moe.experts / groups)
      guard moe.topK <= reachable else {
        throw refuse(
          "topk_group", String(topKGroups),
          "a value whose groups hold at least model.moe.top_k = \(moe.topK) experts")
      }
      // Megatron-Core's `topk(topk // group_topk)` needs 1 … group-size experts a group.
      let summed = groupScore.scoredExperts(topK: moe.topK, topKGroups: topKGroups)
      if groupScore == .topkPerGroup && !(1...(moe.experts / groups)).contains(summed) {
        throw refuse(
          "group_score", "\"\(groupScore.rawValue)\"",
          "a score whose top_k / topk_group = \(moe.topK) / \(topKGroups) experts a group lie in"
            + " 1...\(moe.experts / groups) (the experts of a group)")
      }
    }
    if let spreads = biasSpreadByLayer, spreads.count != model.moeLayerIndices.count {
      throw refuse(
        "bias_spread_by_layer", "a list of \(spreads.count)",
        "one spread per MoE layer (\(model.moeLayerIndices.count))")
    }
    if biasUpdateRate > 0 && !kind.selectsPerToken {
      throw refuse(
        "bias_update_rate", String(biasUpdateRate), "0 for router.kind = \(kindValue)")
    }
    if auxBiasCoefficient > 0 && !kind.softmaxScored {
      throw refuse(
        "aux_bias_coeff", String(auxBiasCoefficient),
        "0 for router.kind = \(kindValue) (the correction is the softmax aux-loss gradient)")
    }
    if auxLossCoefficient > 0 && !(kind.softmaxScored || kind == .sigmoidTopK) {
      throw refuse(
        "aux_loss_coeff", String(auxLossCoefficient),
        "0 for router.kind = \(kindValue) (training needs softmax or sigmoid scores)")
    }
    if kind == .expertChoice && capacityScope == .sequence {
      throw refuse(
        "capacity_scope", "\"sequence\"", "\"batch\" for router.kind = \(kindValue)")
    }
  }
}

extension RouterKind {
  /// Kinds where each token picks its experts from scores, so a selection bias and group limits
  /// apply.
  var selectsPerToken: Bool { self != .expertChoice && self != .hash }

  /// Kinds whose router probabilities are a softmax of the logits.
  var softmaxScored: Bool {
    self == .softmaxTopK || self == .switchTop1 || self == .gshardTop2 || self == .noisyTopK
  }
}
