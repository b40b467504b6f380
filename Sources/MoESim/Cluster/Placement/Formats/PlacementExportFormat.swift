/// The runtime formats `moesim place --export` writes a plan in, by their command-line name.
/// Each writes the plans of `PlacementTables.plan`, slot `s` of a layer on device
/// `s / slots_per_device` in every format (the rank-major slot order all four runtimes use).
public enum PlacementExportFormat: String, Sendable, CaseIterable, Encodable {
  /// SGLang `--init-expert-location` JSON.
  case sglang
  /// DeepSeek EPLB's `phy2log`, `log2phy`, `logcnt` as JSON.
  case eplb
  /// TensorRT-LLM `moe_load_balancer.yaml`.
  case trtllm
  /// vLLM Ascend's `expert_map_path` JSON.
  case vllmAscend = "vllm-ascend"

  /// The file a run with `cluster.placement.export` writes its final placement to, inside its
  /// results folder.
  public var runFileName: String {
    switch self {
    case .sglang: return "placement-sglang.json"
    case .eplb: return "placement-eplb.json"
    case .trtllm: return "placement-trtllm.yaml"
    case .vllmAscend: return "placement-vllm-ascend.json"
    }
  }

  /// The file text of `placements` (one per layer of `table`, in its order).
  public func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    switch self {
    case .sglang: return SGLangExpertLocation.render(table, placements: placements)
    case .eplb: return EPLBPlan.render(table, placements: placements)
    case .trtllm: return TensorRTLLMLoadBalancerConfig.render(table, placements: placements)
    case .vllmAscend: return VLLMAscendExpertMap.render(table, placements: placements)
    }
  }

  /// One row per model layer `0 … last recorded layer`, as SGLang and EPLB index them: the plan
  /// of a recorded layer, or for a layer without loads (a dense layer, say) SGLang's trivial
  /// layout, slot `s` holding expert `s mod E` (`ExpertLocationMetadata.init_trivial`).
  static func rowsByModelLayer(_ table: ExpertLoadTable, placements: [ExpertPlacement])
    -> [[Int]]
  {
    guard let last = table.layers.last, let slots = placements.first?.slots else { return [] }
    var rows = (0...last).map { _ in (0..<slots).map { $0 % table.experts } }
    for (index, layer) in table.layers.enumerated() { rows[layer] = placements[index].slotExperts }
    return rows
  }

  /// `[[1, 2], [3, 4]]` with one inner list per line, for files people also read.
  static func jsonRows(_ rows: [String], indent: String) -> String {
    "[\n" + rows.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n\(indent)]"
  }

  static func jsonList(_ values: [Int]) -> String {
    "[" + values.map(String.init).joined(separator: ", ") + "]"
  }
}
