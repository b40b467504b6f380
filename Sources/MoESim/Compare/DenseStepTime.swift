/// The step time of a dense variant under its MoE scenario's time model (Comparison, "Step
/// time"): the dense scenario's own `CostModel` (the MoE's device, cost settings and `tp`, `dp`,
/// `pp`; `ep = expert_tp = 1`), timed for the MoE's `workload.tokens_per_step`.
///
/// Every block of the dense model is timed like the non-expert parts of the MoE's blocks: the
/// step's tokens shared by the `tp × dp` devices of a stage, every matrix (the dense FFN too)
/// split `tp` ways by `WeightSharding`, the rule `memory_bytes_per_device` counts by — so a
/// device reads the FFN shard its memory holds, and nothing goes through an all-to-all.
public enum DenseStepTime {
  /// The step time of `dense` timed like `moe`, or nil when `moe` has no time model
  /// (`cluster.placement` or `cluster.device` absent) or when `dense` is not dense.
  public static func timing(dense: Scenario, moe: Scenario) -> Comparison.StepTiming? {
    guard moe.cluster.placement != nil, moe.cluster.device != nil, dense.model.moe == nil,
      moe.model.moe != nil, let model = CostModel(scenario: dense)
    else { return nil }
    let tokens = moe.workload.tokensPerStep
    guard tokens > 0 else { return nil }
    let step = ClusterStep(step: 0, tokens: tokens, model: model)
    guard let seconds = step.stepSeconds, seconds > 0 else { return nil }
    return Comparison.StepTiming(stepSeconds: seconds, tokensPerSecond: Double(tokens) / seconds)
  }
}
