/// The expert map file of vLLM's Ascend plugin, passed as
/// `--additional-config '{"expert_map_path": FILE}'` (vllm-project/vllm-ascend,
/// `vllm_ascend/ops/expert_load_balancer.py`, `ExpertLoadBalancer._expert_file_to_tensor`; upstream
/// vLLM has no placement file yet, vllm-project/vllm issue 22246): `moe_layer_count` and a
/// `layer_list` of `{layer_id, device_count, device_list: [{device_id, device_expert}]}`, where
/// `device_expert` lists the experts of that device's slots in order, so the physical slots are
/// the lists concatenated device by device. `layer_id` counts MoE layers only, `0 … count − 1`,
/// in the order of the recorded layers.
enum VLLMAscendExpertMap {
  static func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    let layers = placements.enumerated().map { ordinal, plan in
      let devices = (0..<plan.devices).map { device in
        let slots = device * plan.slotsPerDevice..<(device + 1) * plan.slotsPerDevice
        return "{\"device_id\": \(device), \"device_expert\": "
          + PlacementExportFormat.jsonList(Array(plan.slotExperts[slots])) + "}"
      }
      return "{\"layer_id\": \(ordinal), \"device_count\": \(plan.devices), \"device_list\": "
        + PlacementExportFormat.jsonRows(devices, indent: "    ") + "}"
    }
    return "{\n  \"moe_layer_count\": \(placements.count),\n  \"layer_list\": "
      + PlacementExportFormat.jsonRows(layers, indent: "  ") + "\n}\n"
  }
}
