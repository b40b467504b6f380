import Foundation

/// A sweep value that is computed from the base scenario (the file with the command line's
/// `--set`s, before any varied key) rather than given.
///
/// `model.moe.expert_intermediate_size = "keep_active"` keeps the routed experts' active width
/// per token, `top_k × expert_intermediate_size`, at the base scenario's value, so that a point
/// with more (finer) experts and a larger `top_k` has the same active expert parameters:
///
///     expert_intermediate_size = max(1, ⌊k₀ · I₀ / k + 1/2⌋)
///
/// with `k₀`, `I₀` the base's `top_k` and `expert_intermediate_size` and `k` the point's
/// `top_k`: the nearest integer, halves rounded up. Expert parameters are proportional to the
/// width (`ParameterCount`: 2 or 3 matrices of `hidden_size × width`, plus biases when set), so
/// active expert parameters stay equal up to that rounding and the bias terms; the router's
/// `hidden_size × experts` is not compensated. Shared experts keep their width (which would
/// otherwise follow `expert_intermediate_size` when the scenario leaves it unset).
public struct SweepDerivedKey: Sendable, Equatable {
  /// The key a derived value may be given for.
  public static let expertWidthPath = "model.moe.expert_intermediate_size"
  /// The value that asks for it.
  public static let keepActive = "keep_active"

  /// The derived key `override` asks for, or nil when it is an ordinary value.
  init?(override: ScenarioOverride) {
    guard override.path == Self.expertWidthPath, override.value == .string(Self.keepActive)
    else { return nil }
  }

  /// The expert width that keeps `topK × width` at `baseTopK × baseWidth` (nearest integer,
  /// halves up, at least 1).
  public static func keepActiveWidth(baseTopK: Int, baseWidth: Int, topK: Int) -> Int {
    max(1, (2 * baseTopK * baseWidth + topK) / (2 * topK))
  }

  /// The overrides that replace `keep_active`: the derived width, and the shared experts'
  /// width as the point has it before the derivation.
  /// - Throws: a usage `ScenarioError` when the base or the point has no `model.moe`.
  func resolve(_ override: ScenarioOverride, base: Scenario, point: Scenario) throws
    -> [ScenarioOverride]
  {
    guard let baseMoE = base.model.moe, let pointMoE = point.model.moe else {
      throw ScenarioError(
        file: "--vary", path: Self.expertWidthPath,
        kind: .outOfRange(
          value: "\"\(Self.keepActive)\"",
          allowed: "an integer, or \"\(Self.keepActive)\" when both the base scenario and the"
            + " point have model.moe"),
        isUsageError: true)
    }
    var width = override
    width.value = .integer(
      Self.keepActiveWidth(
        baseTopK: baseMoE.topK, baseWidth: baseMoE.expertIntermediateSize, topK: pointMoE.topK))
    var shared = override
    shared.path = "model.moe.shared_expert_intermediate_size"
    shared.value = .integer(pointMoE.sharedExpertIntermediateSize)
    return [width, shared]
  }
}
