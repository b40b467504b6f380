/// `devices.csv` and the cluster columns of `summary.csv`.
extension ResultTables {
  public static let devicesColumns = [
    "step", "device", "node", "source_tokens", "expert_assignments", "expert_slots_touched",
    "expert_weight_bytes_read", "expert_flops", "a2a_intra_bytes", "a2a_inter_bytes",
    "gradient_bytes", "messages", "compute_time_s", "comm_time_s", "busy_time_s",
    "replaced_slots", "replaced_weight_bytes", "dense_flops", "kv_cache_bytes", "hbm_bytes",
    "replan_time_s", "tp_collective_bytes",
  ]

  /// One row per device of `step`; time and byte columns are empty without `cluster.device`.
  public static func devicesRows(_ step: ClusterStep, scenario: Scenario, model: CostModel?)
    -> [[CSVField]]
  {
    let expertBytes = model.map { $0.expertParameters * $0.weightBytesPerParameter }
    let perNode = scenario.cluster.devicesPerNode
    return step.devices.enumerated().map { index, device in
      let timed = { (value: Double) in model == nil ? CSVField.empty : .real(value) }
      return [
        .integer(step.step), .integer(index), .integer(index / perNode),
        .integer(device.sourceTokens), .integer(device.assignments),
        .integer(device.slotsTouched),
        expertBytes.map { .real($0 * Double(device.slotsTouched)) } ?? .empty,
        timed(device.expertFLOPs), timed(device.allToAllIntraBytes),
        timed(device.allToAllInterBytes), timed(device.gradientBytes),
        model == nil ? .empty : .integer(device.messages), timed(device.computeSeconds),
        timed(device.communicationSeconds), timed(device.busySeconds),
        .integer(device.slotsReplaced),
        expertBytes.map { .real($0 * Double(device.slotsReplaced)) } ?? .empty,
        timed(device.denseFLOPs), timed(device.kvCacheBytes), timed(device.hbmBytes),
        timed(device.replanSeconds), timed(device.tensorParallelBytes),
      ]
    }
  }

  public static let clusterSummaryColumns = [
    "device", "straggler_ratio_mean", "straggler_ratio_worst", "step_time_s", "tokens_per_s",
    "expert_mfu", "a2a_bytes_per_token", "replaced_weight_bytes", "output_tokens_per_s",
  ]

  /// Empty fields when an MoE scenario has no `cluster.placement` (and time fields without a
  /// device); a dense scenario with a device has its step time, and no expert figures. `expert_mfu` is the routed experts' FLOPs over peak × the `ep × pp` devices
  /// that did them × run time.
  public static func clusterSummaryFields(
    _ totals: ClusterTotals, scenario: Scenario, model: CostModel?
  ) -> [CSVField] {
    guard totals.steps > 0 else {
      return [CSVField](repeating: .empty, count: clusterSummaryColumns.count)
    }
    let timed = totals.timed && totals.seconds > 0
    // `devices.csv`'s rank `d` sums the layers of every stage: `ep × pp` devices did that work.
    let devices = Double(scenario.cluster.layout.ep * scenario.cluster.layout.pp)
    let peak = model.map(\.peakFLOPsPerSecond) ?? 0
    let expertBytes = model.map { $0.expertParameters * $0.weightBytesPerParameter }
    // A model without MoE layers has no straggler, expert work or re-planned slots.
    let experts = totals.hasRoutedExperts
    return [
      model.map { .text($0.device.name) } ?? .empty,
      experts ? .real(totals.stragglerRatioSum / Double(totals.steps)) : .empty,
      experts ? .real(totals.worstStragglerRatio) : .empty,
      timed ? .real(totals.seconds / Double(totals.steps)) : .empty,
      timed ? .real(Double(totals.tokens) / totals.seconds) : .empty,
      timed && experts ? .real(totals.expertFLOPs / (peak * devices * totals.seconds)) : .empty,
      // The devices are one expert-parallel group's, which moves `expertDP`-th of the tokens.
      model == nil
        ? .empty
        : .real(
          totals.allToAllBytes * Double(scenario.cluster.layout.expertDP)
            / Double(max(1, totals.tokens))),
      experts ? expertBytes.map { .real($0 * Double(totals.replacedSlots)) } ?? .empty : .empty,
      // Decode only: the sequences' new tokens, accepted MTP drafts included.
      timed && scenario.cluster.cost.mode == .decode
        ? .real(
          Double(totals.tokens) / totals.seconds * scenario.cluster.cost.outputTokensPerStepToken)
        : .empty,
    ]
  }
}
