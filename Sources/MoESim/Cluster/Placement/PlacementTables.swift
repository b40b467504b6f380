/// The tables `moesim place` prints, built from the same placement code the simulator uses.
public enum PlacementTables {
  public static let placementColumns = ["layer", "slot", "device", "expert"]
  public static let deviceColumns = ["layer", "device", "load"]
  public static let layerColumns = [
    "layer", "max_device_load", "mean_device_load", "max_over_mean_device_load",
  ]

  /// The placement of every layer of `table`, with `kind` on `shape`.
  public static func plan(_ table: ExpertLoadTable, kind: PlacementKind, shape: PlacementShape)
    -> [ExpertPlacement]
  {
    table.loads.map { kind.place(loads: $0, shape: shape) }
  }

  /// Three CSV blocks separated by an empty line: the placement, the load per device, and the
  /// max/mean device load per layer.
  public static func render(_ table: ExpertLoadTable, placements: [ExpertPlacement]) -> String {
    var placement = [placementColumns.joined(separator: ",")]
    var devices = [deviceColumns.joined(separator: ",")]
    var layers = [layerColumns.joined(separator: ",")]
    for (index, layer) in table.layers.enumerated() {
      let plan = placements[index]
      for (slot, expert) in plan.slotExperts.enumerated() {
        placement.append("\(layer),\(slot),\(plan.device(ofSlot: slot)),\(expert)")
      }
      let loads = plan.deviceLoads(expertLoads: table.loads[index])
      for (device, load) in loads.enumerated() {
        devices.append("\(layer),\(device),\(CSVField.real(load).text)")
      }
      let maximum = loads.max() ?? 0
      let mean = loads.reduce(0, +) / Double(max(1, loads.count))
      let ratio = mean > 0 ? maximum / mean : 1
      layers.append(
        "\(layer),\(CSVField.real(maximum).text),\(CSVField.real(mean).text),"
          + CSVField.real(ratio).text)
    }
    return [placement, devices, layers].map { $0.joined(separator: "\n") }.joined(
      separator: "\n\n") + "\n"
  }
}
