/// The placement a run ends with: the plan every MoE layer holds after the last step, and the
/// expert loads that plan was made from, ready to be written in a runtime's format
/// (`PlacementExportFormat`). A run that never reached its first plan (`window_steps` ≥ steps)
/// ends with the strategy applied to uniform loads, and its loads are then all 1.
public struct RunPlacement: Sendable, Equatable {
  /// The MoE layers (transformer-block indices) and, per layer, the loads (routed assignments
  /// over the plan's window) its plan was made from.
  public let loads: ExpertLoadTable
  /// One plan per layer of `loads`, in its order.
  public let placements: [ExpertPlacement]

  public init(loads: ExpertLoadTable, placements: [ExpertPlacement]) {
    self.loads = loads
    self.placements = placements
  }

  /// Load of every device for every layer under its plan, from the loads it was made from
  /// (an expert's load split evenly across its replicas, as the planner balances it).
  public var deviceLoads: [[Double]] {
    zip(placements, loads.loads).map { $0.deviceLoads(expertLoads: $1) }
  }

  /// The placement as the file `format` describes.
  public func render(_ format: PlacementExportFormat) -> String {
    format.render(loads, placements: placements)
  }
}
