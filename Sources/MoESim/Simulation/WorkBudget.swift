import Foundation

/// The largest work a command takes on without being asked twice: a run, sweep point, comparison
/// or trace export routes at most `routingDecisions` tokens through MoE layers, and `moesim
/// place` plans at most `placementSlotWork` slot pairs. Work above a budget is refused before it
/// starts, with the figure and how to ask for it anyway (`--allow-large`); it is never left to
/// run for hours by accident.
public enum WorkBudget {
  /// Token × MoE-layer routing decisions, warm-up steps included: about an hour of the fastest
  /// bench workload on two cores (R-coarse, ≈ 3.5·10⁷ decisions/s; Performance.md), and days
  /// for a fine-grained model (R-fine, ≈ 3·10⁶/s).
  public static let routingDecisions = 1e11
  /// Placement layers × slots²: the replicated planner's local search compares slot pairs,
  /// so its time grows with this product (measured on a debug build with 4 layers:
  /// 1,000 slots 1.3 s, 2,000 slots 4.6 s, 10,000 slots 68 s). 2²⁶ allows 4,096 slots for 4
  /// layers or 1,024 for 64 (DeepSeek-V3's deployments use 288 slots on 58 layers).
  public static let placementSlotWork = Double(1 << 26)

  /// The routing decisions a run of `scenario` makes: (warm-up + steps) × tokens per step ×
  /// MoE layers.
  public static func routingDecisions(of scenario: Scenario) -> Double {
    Double(scenario.routedWarmupSteps + scenario.workload.steps)
      * Double(scenario.workload.tokensPerStep) * Double(scenario.model.moeLayerIndices.count)
  }

  /// Refuses a run of `scenario` above `routingDecisions`, naming `workload.steps`.
  /// - Parameter file: the scenario file named in the error.
  public static func check(_ scenario: Scenario, file: String) throws {
    let decisions = routingDecisions(of: scenario)
    guard decisions > routingDecisions else { return }
    throw ScenarioError(
      file: file, path: "workload.steps",
      kind: .outOfRange(
        value: String(scenario.workload.steps),
        allowed:
          "a run of at most \(format(routingDecisions)) routing decisions ((router.warmup_steps"
          + " + steps) × tokens_per_step × MoE layers; this run makes \(format(decisions)));"
          + " pass --allow-large to run it anyway"))
  }

  /// Why planning `slots` slots on each of `layers` layers is above `placementSlotWork`, or nil.
  public static func placementRefusal(slots: Int, layers: Int) -> String? {
    let work = Double(layers) * Double(slots) * Double(slots)
    guard work > placementSlotWork else { return nil }
    return "--slots \(slots) on \(layers) layers is above the placement work budget (layers ×"
      + " slots² = \(format(work)) > \(format(placementSlotWork))); pass --allow-large to plan it"
      + " anyway"
  }

  /// `1.2e11`-style text for a large count.
  static func format(_ value: Double) -> String {
    value < 1e6 ? String(Int(value)) : String(format: "%.2g", value)
  }
}
