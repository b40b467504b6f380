/// TensorRT-LLM's `moe_load_balancer.yaml` (NVIDIA/TensorRT-LLM,
/// `examples/wide_ep/ep_load_balancer/generate_eplb_config.py`, `save_eplb_config`; read by
/// `MoeLoadBalancerConfig.get_layer_initial_global_assignments`, which requires `num_slots`
/// entries per layer, rank `r` owning slots `r · num_slots / ep_size …`): `num_slots`,
/// `initial_global_assignments` mapping each recorded layer id to the expert of every slot, and
/// `layer_updates_per_iter: 0` (a static placement), keys sorted and lists inline as PyYAML's
/// `yaml.dump` writes them there.
enum TensorRTLLMLoadBalancerConfig {
  static func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    var lines = ["initial_global_assignments:"]
    for (index, layer) in table.layers.enumerated() {
      lines.append("  \(layer): " + PlacementExportFormat.jsonList(placements[index].slotExperts))
    }
    lines.append("layer_updates_per_iter: 0")
    lines.append("num_slots: \(placements.first?.slots ?? table.experts)")
    return lines.joined(separator: "\n") + "\n"
  }
}
