import Foundation

/// Limits that keep the simulation's arithmetic exact and finite for every valid scenario.
///
/// Each key is range-checked on its own while it is read; these checks span several keys or
/// follow from how the simulator computes: run counters are 64-bit integers, routing runs in
/// 32-bit floats (whose largest value is about 3.4e38), and attention widths are products of
/// two user sizes.
public enum ArithmeticLimits {
  /// Router temperature: logits are divided by it in 32-bit floats.
  public static let temperature = 1e-6...1e6
  /// Largest Gaussian scale (bias spread, noise, domain offset) turned into a 32-bit float
  /// multiplier; beyond it logits overflow to infinity and probabilities become NaN.
  public static let gaussianScale = 1e6
  /// Largest capacity factor: `tokens × top_k / experts × factor` must fit in `Int`, and a factor
  /// of `experts / top_k` already gives every expert room for every token.
  public static let capacityFactor = 1e6
}

extension Scenario {
  /// Checks the cross-key limits of `ArithmeticLimits` and that every run counter fits in `Int`.
  /// - Parameter file: names the scenario in errors.
  func checkArithmeticLimits(file: String) throws {
    func refuse(_ path: String, _ value: String, _ allowed: String) -> ScenarioError {
      ScenarioError(file: file, path: path, kind: .outOfRange(value: value, allowed: allowed))
    }
    let limits = ArithmeticLimits.self
    if !limits.temperature.contains(router.temperature) {
      throw refuse(
        "router.temperature", JSONValue.render(router.temperature),
        "a number in 1e-06...1e+06 (logits are divided by it in 32-bit floats)")
    }
    let scales = [
      ("router.bias_spread", router.biasSpread), ("workload.noise", workload.noise),
      ("workload.domain_offset_scale", workload.domainOffsetScale),
      ("workload.context_scale", workload.contextScale),
    ]
    for (path, scale) in scales where scale > limits.gaussianScale {
      throw refuse(
        path, JSONValue.render(scale), "a number in 0...1e+06 (it scales 32-bit floats)")
    }
    if let factor = router.capacityFactor, factor > limits.capacityFactor {
      throw refuse(
        "router.capacity_factor", JSONValue.render(factor),
        "a number in (0, 1e+06], or null for dropless (a factor of experts / top_k already"
          + " never drops)")
    }
    let weightSum = workload.domains.map(\.weight).reduce(0, +)
    if !weightSum.isFinite {
      throw refuse(
        "workload.domains",
        workload.domains.map { JSONValue.render($0.weight) }.joined(
          separator: ", "),
        "weights whose sum is finite (at most 1.8e308)")
    }
    try checkAttentionWidth(file: file)
    try checkRunCounters(file: file)
  }

  /// `heads × head_dim` is the width of the query projection; it must be an accountable
  /// dimension like every other width.
  private func checkAttentionWidth(file: String) throws {
    let attention = model.attention
    let (width, overflow) = attention.heads.multipliedReportingOverflow(by: attention.headDim)
    guard overflow || width > ScenarioLimits.modelDimension else { return }
    let largest = ScenarioLimits.modelDimension / attention.heads
    throw ScenarioError(
      file: file, path: "model.attention.head_dim",
      kind: .outOfRange(
        value: String(attention.headDim),
        allowed:
          "1...\(largest) (attention.heads × head_dim must be ≤ \(ScenarioLimits.modelDimension))"))
  }

  /// Tokens and assignments of the whole run are summed in `Int`: `steps × tokens_per_step ×
  /// top_k × MoE layers` must fit in 63 bits.
  private func checkRunCounters(file: String) throws {
    let moeLayers = model.moeLayerIndices.count
    let perToken = (model.moe?.topK ?? 1).multipliedReportingOverflow(by: max(1, moeLayers))
    let perStep = perToken.partialValue.multipliedReportingOverflow(by: workload.tokensPerStep)
    let total = perStep.partialValue.multipliedReportingOverflow(by: workload.steps)
    guard perToken.overflow || perStep.overflow || total.overflow else { return }
    let largest = perToken.overflow || perStep.overflow ? 0 : Int.max / perStep.partialValue
    throw ScenarioError(
      file: file, path: "workload.steps",
      kind: .outOfRange(
        value: String(workload.steps),
        allowed: "1...\(largest) (steps × tokens_per_step × top_k × MoE layers must fit in a"
          + " 64-bit count)"))
  }
}
