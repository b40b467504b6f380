/// The columns and rows of every CSV file of a run, in one place so that the column
/// reference and the files cannot drift apart.
public enum ResultTables {
  public static let stepsColumns = [
    "step", "layer", "tokens", "capacity", "assignments_kept", "assignments_dropped",
    "max_over_mean_load", "cv_load", "min_load", "max_load", "mean_load", "entropy", "aux_loss",
    "z_loss", "dropped_gate_fraction", "tokens_without_expert",
    // Router family and balancing.
    "seq_aux_loss", "padded_slots", "bias_min", "bias_max", "bias_std",
    "max_vio", "top1_repeat_rate", "topk_overlap", "shared_choice_rate",
    "same_device_as_previous_layer", "device_max_over_mean_load", "device_cv_load",
    "balancedness",
  ]

  public static func stepsRow(_ metrics: LayerStepMetrics) -> [CSVField] {
    let device = metrics.deviceLoad
    return [
      .integer(metrics.step), .integer(metrics.layer), .integer(metrics.tokens),
      metrics.capacity.map(CSVField.integer) ?? .empty,
      .integer(metrics.assignmentsKept), .integer(metrics.assignmentsDropped),
      .real(metrics.load.maxOverMean), .real(metrics.load.coefficientOfVariation),
      .real(metrics.load.minimum), .real(metrics.load.maximum), .real(metrics.load.mean),
      .real(metrics.entropy), .real(metrics.auxLoss), .real(metrics.zLoss),
      .real(metrics.droppedGateFraction), .integer(metrics.tokensWithoutExpert),
      metrics.sequenceAuxLoss.map(CSVField.real) ?? .empty,
      metrics.paddedSlots.map(CSVField.integer) ?? .empty,
      .real(metrics.bias.minimum), .real(metrics.bias.maximum),
      .real(metrics.bias.standardDeviation),
      .real(metrics.maxViolation),
      metrics.locality.firstChoiceRepeatRate.map(CSVField.real) ?? .empty,
      metrics.locality.topKOverlap.map(CSVField.real) ?? .empty,
      metrics.locality.sharedChoiceRate.map(CSVField.real) ?? .empty,
      metrics.crossLayer?.sameDeviceRate.map(CSVField.real) ?? .empty,
      device.map { .real($0.maxOverMean) } ?? .empty,
      device.map { .real($0.coefficientOfVariation) } ?? .empty,
      device.map { .real(1 / $0.maxOverMean) } ?? .empty,
    ]
  }

  public static let expertsColumns = [
    "layer", "expert", "tokens_routed", "tokens_kept", "tokens_dropped", "load_share",
  ]

  /// One row per MoE layer × expert; `load_share` is the expert's share of the layer's routed
  /// assignments (1/E at perfect balance).
  public static func expertsRows(_ totals: RunTotals) -> [[CSVField]] {
    var rows: [[CSVField]] = []
    for (ordinal, layer) in totals.layers.enumerated() {
      let base = ordinal * totals.experts
      let layerRouted = (0..<totals.experts).reduce(0) {
        $0 + totals.keptPerExpert[base + $1] + totals.droppedPerExpert[base + $1]
      }
      for expert in 0..<totals.experts {
        let kept = totals.keptPerExpert[base + expert]
        let dropped = totals.droppedPerExpert[base + expert]
        rows.append([
          .integer(layer), .integer(expert), .integer(kept + dropped), .integer(kept),
          .integer(dropped),
          .real(layerRouted > 0 ? Double(kept + dropped) / Double(layerRouted) : 0),
        ])
      }
    }
    return rows
  }

  public static let paramsColumns = [
    "component", "total_params", "active_params", "active_fraction", "weight_bytes",
    "device_weight_bytes",
  ]

  /// One row per component, then a `total` row; extra modules (`mtp`) follow, with a
  /// `total_with_extras` row, only when the model has them. `weight_bytes` is at
  /// `precision.expert_weights` for routed experts (the MTP modules' too) and
  /// `precision.weights` for the rest; `device_weight_bytes` is what the fullest device of the
  /// scenario's layout stores of the component (before ZeRO sharding).
  public static func paramsRows(_ count: ParameterCount, scenario: Scenario) -> [[CSVField]] {
    let precision = scenario.precision
    let device = DeviceMemory(scenario: scenario).worst.componentWeightBytes
    // Summed in a fixed order, so results do not depend on dictionary order.
    func sum(_ bytes: [String: Double]) -> Double {
      bytes.keys.sorted().map { bytes[$0] ?? 0 }.reduce(0, +)
    }
    let mainBytes = Dictionary(
      uniqueKeysWithValues: count.components.map { ($0.name, $0.weightBytes(precision)) })
    let extraBytes = Dictionary(
      uniqueKeysWithValues: count.extras.map { ($0.name, $0.weightBytes(precision)) })
    let allBytes = mainBytes.merging(extraBytes) { $0 + $1 }
    let weightBytes = { (name: String) -> Double in
      switch name {
      case "total": return sum(mainBytes)
      case "total_with_extras": return sum(allBytes)
      default: return allBytes[name] ?? 0
      }
    }
    let deviceWeightBytes = { (name: String) -> Double in
      switch name {
      case "total": return sum(device.filter { $0.key != "mtp" })
      case "total_with_extras": return sum(device)
      default: return device[name] ?? 0
      }
    }
    var rows =
      count.components.map { ($0.name, $0.total, $0.active) }
      + [("total", count.total, count.active)]
    if !count.extras.isEmpty {
      rows += count.extras.map { ($0.name, $0.total, $0.active) }
      let extrasActive = count.extras.map(\.active).reduce(0, +)
      rows.append(("total_with_extras", count.totalWithExtras, count.active + extrasActive))
    }
    return rows.map { name, total, active in
      [
        .text(name), .real(total), .real(active), .real(total > 0 ? active / total : 0),
        .real(weightBytes(name)), .real(deviceWeightBytes(name)),
      ]
    }
  }

  public static let summaryColumns =
    [
      "scenario", "seed", "steps", "tokens", "moe_layers", "experts", "top_k",
      "capacity_per_expert", "total_params", "active_params", "assignments_kept",
      "assignments_dropped", "drop_fraction", "tokens_without_expert", "mean_max_over_mean_load",
      "worst_max_over_mean_load", "aux_loss_mean", "z_loss_mean", "entropy_mean",
      "cv_load_mean", "max_vio_batch_mean", "max_vio_global", "top1_repeat_rate", "topk_overlap",
      "shared_choice_rate", "same_device_as_previous_layer", "device_max_over_mean_load_mean",
      "device_cv_load_mean", "balancedness_mean",
    ] + clusterSummaryColumns + ["device_memory_gib", "device_memory_source"]

  /// The memory of one device the run assumed, and where it came from.
  public static func deviceMemoryFields(_ scenario: Scenario) -> [CSVField] {
    [.real(scenario.cluster.deviceMemoryGiB), .text(scenario.cluster.deviceMemorySource.rawValue)]
  }

  public static func summaryRow(scenario: Scenario, totals: RunTotals, params: ParameterCount)
    -> [CSVField]
  {
    let moe = scenario.model.moe
    let capacity = scenario.capacityPerExpert
    return [
      .text(scenario.name), .integer(Int(scenario.seed)), .integer(scenario.workload.steps),
      .integer(totals.tokens), .integer(totals.layers.count), .integer(moe?.experts ?? 0),
      .integer(moe?.topK ?? 0), capacity.map(CSVField.integer) ?? .empty,
      .real(params.total), .real(params.active), .integer(totals.assignmentsKept),
      .integer(totals.assignmentsDropped), .real(totals.dropFraction),
      .integer(totals.tokensWithoutExpert),
      totals.layerSteps > 0 ? .real(totals.meanMaxOverMean) : .empty,
      totals.layerSteps > 0 ? .real(totals.worstMaxOverMean) : .empty, .real(totals.auxLossMean),
      .real(totals.zLossMean),
      .real(totals.entropyMean),
      totals.layerSteps > 0 ? .real(totals.coefficientOfVariationMean) : .empty,
      totals.layerSteps > 0 ? .real(totals.maxViolationBatchMean) : .empty,
      totals.maxViolationGlobal.map(CSVField.real) ?? .empty,
      totals.locality.firstChoiceRepeatRate.map(CSVField.real) ?? .empty,
      totals.locality.topKOverlap.map(CSVField.real) ?? .empty,
      totals.locality.sharedChoiceRate.map(CSVField.real) ?? .empty,
      totals.crossLayer.sameDeviceRate.map(CSVField.real) ?? .empty,
      totals.deviceMeans.map { .real($0.maxOverMean) } ?? .empty,
      totals.deviceMeans.map { .real($0.coefficientOfVariation) } ?? .empty,
      totals.deviceMeans.map { .real($0.balancedness) } ?? .empty,
    ]
  }
}
