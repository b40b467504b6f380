/// How each MoE layer turns router logits into expert assignments.
public struct RouterSpec: Sendable, Equatable, Encodable {
  public var kind: RouterKind
  /// Renormalise the selected top-k gates to sum to 1 (Mixtral, Qwen-MoE).
  public var normalizeTopK: Bool
  /// Expert capacity as a multiple of the balanced load `tokens × k / E`; nil means dropless.
  public var capacityFactor: Double?
  /// Which assignments an over-capacity expert drops.
  public var dropPolicy: DropPolicy
  /// Logits are divided by this before the softmax.
  public var temperature: Double
  /// Standard deviation of the per-expert bias added to the logits, modelling learned
  /// popularity skew (0 = none).
  public var biasSpread: Double

  enum CodingKeys: String, CodingKey {
    case kind
    case normalizeTopK = "normalize_topk"
    case capacityFactor = "capacity_factor"
    case dropPolicy = "drop_policy"
    case temperature
    case biasSpread = "bias_spread"
  }
}

/// The router family. More kinds arrive with the router-family work.
public enum RouterKind: String, Sendable, CaseIterable, Encodable {
  /// Softmax over all experts, then the k highest probabilities (Mixtral, Qwen-MoE, OLMoE).
  case softmaxTopK = "softmax_topk"
}

/// Which assignments are dropped when an expert receives more than its capacity.
public enum DropPolicy: String, Sendable, CaseIterable, Encodable {
  /// Drop the assignments with the lowest gate values (Megatron-Core `drop_policy="probs"`).
  case probs
  /// Drop the assignments of the latest tokens in the batch (`drop_policy="position"`).
  case position
}
