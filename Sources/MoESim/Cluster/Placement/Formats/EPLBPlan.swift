/// DeepSeek EPLB's output (deepseek-ai/EPLB, `eplb.py`, `rebalance_experts`), as JSON with its
/// three tensors: `phy2log` [layers, replicas] the expert of each physical slot; `log2phy`
/// [layers, experts, X] the slots of each expert, padded with −1 to the largest replica count
/// `X`; `logcnt` [layers, experts] each expert's replica count. vLLM's and SGLang's EPLB use the
/// same three maps.
enum EPLBPlan {
  static func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    let rows = PlacementExportFormat.rowsByModelLayer(table, placements: placements)
    let plans = rows.map { ExpertPlacement(experts: table.experts, devices: 1, slotExperts: $0) }
    let width = plans.flatMap(\.replicas).max() ?? 1
    let log2phy = plans.map { plan in
      PlacementExportFormat.jsonRows(
        plan.slotsOfExpert.map {
          PlacementExportFormat.jsonList($0 + [Int](repeating: -1, count: width - $0.count))
        }, indent: "    ")
    }
    return "{\n  \"phy2log\": "
      + PlacementExportFormat.jsonRows(rows.map(PlacementExportFormat.jsonList), indent: "  ")
      + ",\n  \"log2phy\": " + PlacementExportFormat.jsonRows(log2phy, indent: "  ")
      + ",\n  \"logcnt\": "
      + PlacementExportFormat.jsonRows(
        plans.map { PlacementExportFormat.jsonList($0.replicas) }, indent: "  ") + "\n}\n"
  }
}
