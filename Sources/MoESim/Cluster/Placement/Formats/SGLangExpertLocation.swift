/// SGLang's `--init-expert-location FILE.json` (sgl-project/sglang,
/// `python/sglang/srt/eplb/expert_location.py`, `compute_initial_expert_location_metadata`: a
/// JSON object with `physical_to_logical_map` goes to `init_by_mapping`), shape
/// [layers, physical experts]: entry `[l][p]` is the logical expert physical slot `p` of layer
/// `l` holds, and SGLang puts slot `p` on GPU `p / num_local_physical_experts`. The server must
/// run with `--ep-num-redundant-experts` = slots − experts and `--ep-size` = devices.
enum SGLangExpertLocation {
  static func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    let rows = PlacementExportFormat.rowsByModelLayer(table, placements: placements)
    return "{\n  \"physical_to_logical_map\": "
      + PlacementExportFormat.jsonRows(rows.map(PlacementExportFormat.jsonList), indent: "  ")
      + "\n}\n"
  }
}
