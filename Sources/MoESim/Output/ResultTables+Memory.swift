/// The columns and rows of `memory.csv` and `compute.csv`.
extension ResultTables {
  public static let memoryColumns = [
    "layout", "devices", "tp", "ep", "expert_tp", "dp", "pp", "stage", "first_layer",
    "last_layer", "kind", "bytes", "gib", "capacity_gib", "fits",
  ]

  /// One row per pipeline stage × memory kind (and a `total` per stage), for the scenario's
  /// layout (`layout` = `scenario`) and, when one exists, for the smallest layout that fits
  /// (`smallest_fit`). `bytes` and `gib` are per device of the stage; `fits` is the stage's
  /// verdict against `capacity_gib`.
  public static func memoryRows(_ scenario: Scenario) -> [[CSVField]] {
    var rows = memoryRows(DeviceMemory(scenario: scenario), label: "scenario", scenario: scenario)
    if let smallest = SmallestLayout.find(for: scenario) {
      rows += memoryRows(smallest, label: "smallest_fit", scenario: scenario)
    }
    return rows
  }

  /// The memory kinds reported for a mode, in order.
  public static func memoryKinds(_ mode: MemorySpec.Mode) -> [DeviceMemory.Kind] {
    mode == .training
      ? [.weights, .gradients, .optimizerStates, .activations]
      : [.weights, .kvCache, .activations]
  }

  static func memoryRows(_ memory: DeviceMemory, label: String, scenario: Scenario)
    -> [[CSVField]]
  {
    let layout = memory.layout
    let gib = 1_073_741_824.0
    var rows: [[CSVField]] = []
    for stage in memory.stages {
      let kinds = memoryKinds(scenario.memory.mode).map { ($0.rawValue, stage.bytes[$0] ?? 0) }
      let fits: CSVField = stage.totalBytes <= memory.capacityBytes ? "true" : "false"
      for (kind, bytes) in kinds + [("total", stage.totalBytes)] {
        rows.append([
          .text(label), .integer(layout.devices), .integer(layout.tp), .integer(layout.ep),
          .integer(layout.expertTP), .integer(layout.dp), .integer(layout.pp),
          .integer(stage.index), .integer(stage.firstBlock), .integer(stage.endBlock - 1),
          .text(kind), .real(bytes.rounded()), .real(bytes / gib),
          .real(memory.capacityBytes / gib), fits,
        ])
      }
    }
    return rows
  }

  public static let computeColumns = ["quantity", "value", "unit"]

  /// FLOPs per token and, when `compute.training_tokens` is set, for the training run; the
  /// context is `memory.context`.
  public static func computeRows(_ scenario: Scenario) -> [[CSVField]] {
    let cost = ComputeCost(model: scenario.model, context: scenario.memory.context)
    var rows: [(String, Double, String)] = [
      ("context", Double(cost.context), "tokens"),
      ("forward_matmul_flops_per_token", cost.forwardMatmulFLOPsPerToken, "flops"),
      ("forward_router_flops_per_token", cost.forwardRouterFLOPsPerToken, "flops"),
      ("forward_attention_flops_per_token", cost.forwardAttentionFLOPsPerToken, "flops"),
      ("forward_flops_per_token", cost.forwardFLOPsPerToken, "flops"),
      ("training_flops_per_token", cost.trainingFLOPsPerToken, "flops"),
      ("six_n_parameters", cost.activeParameters, "parameters"),
      ("six_n_flops_per_token", cost.sixNFLOPsPerToken, "flops"),
      ("chinchilla_tokens_total_params", cost.chinchillaTokensForTotal, "tokens"),
      ("chinchilla_tokens_active_params", cost.chinchillaTokensForActive, "tokens"),
    ]
    if let tokens = scenario.compute.trainingTokens {
      rows += [
        ("training_tokens", tokens, "tokens"),
        ("training_flops", cost.trainingFLOPs(tokens: tokens), "flops"),
        ("six_n_d_flops", cost.sixNDFLOPs(tokens: tokens), "flops"),
      ]
    }
    return rows.map { [.text($0.0), .real($0.1), .text($0.2)] }
  }
}
