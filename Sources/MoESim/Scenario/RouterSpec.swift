/// How each MoE layer turns router logits into expert assignments.
public struct RouterSpec: Sendable, Equatable, Encodable {
  public var kind: RouterKind
  /// Renormalise the selected top-k gates to sum to 1 (Mixtral, Qwen-MoE; DeepSeek-V3's
  /// `norm_topk_prob` for `sigmoid_topk`).
  public var normalizeTopK: Bool
  /// Expert capacity as a multiple of the balanced load `tokens × k / E`; nil means dropless.
  public var capacityFactor: Double?
  /// The smallest capacity per expert, in assignments (Megatron-Core `get_capacity`'s
  /// `min_capacity`); 0 = no floor.
  public var minCapacity: Int = 0
  /// Which assignments an over-capacity expert drops.
  public var dropPolicy: DropPolicy
  /// Logits are divided by this before the softmax.
  public var temperature: Double
  /// Standard deviation of the per-expert bias added to the logits, modelling learned
  /// popularity skew (0 = none).
  public var biasSpread: Double
  /// One bias spread per MoE layer, in layer order, in place of `biasSpread` (`moesim fit
  /// --per-layer-skew` writes it); nil: every layer has `biasSpread`.
  public var biasSpreadByLayer: [Double]? = nil
  /// For softmax-scored top-k kinds: softmax over all experts then top-k, or top-k of the logits
  /// then softmax over the selected ones (Megatron-Core `moe_router_pre_softmax`).
  public var scoreOrder: ScoreOrder
  /// Gates are multiplied by this after normalisation (DeepSeek-V3 `routed_scaling_factor`).
  public var routedScalingFactor: Double
  /// Expert groups for group-limited routing (DeepSeek-V3 `n_group`); 1 = not limited.
  public var groups: Int
  /// Groups a token may pick experts from (DeepSeek-V3 `topk_group`).
  public var topKGroups: Int
  /// How a group is ranked for `topKGroups`.
  public var groupScore: GroupScore = .top2
  /// Standard deviation of the Gaussian noise added to the logits by `noisy_topk`.
  public var noiseStd: Double
  /// Whether the capacity holds per batch (the step) or per sequence.
  public var capacityScope: CapacityScope
  /// Report padded slots: every expert's buffer padded to its capacity (Megatron-Core
  /// `moe_pad_expert_input_to_capacity`).
  public var padToCapacity: Bool
  /// Aux-loss-free balancing update speed γ (DeepSeek-V3 §2.1.2); 0 = off.
  public var biasUpdateRate: Double
  /// First-order aux-loss bias correction coefficient α; 0 = off.
  public var auxBiasCoefficient: Double
  /// Step size α of training the router weights on the Switch auxiliary loss during warm-up
  /// (`W ← W − α · ∂L_aux/∂W`, `AuxLossTraining`): the aux-loss coefficient times the learning
  /// rate; 0 = off.
  public var auxLossCoefficient: Double = 0
  /// Report the sequence-level auxiliary loss (DeepSeek-V3 eq. 17–20) each step.
  public var sequenceAuxLoss: Bool
  /// Steps routed before measurement starts, to bring the balancing controllers (the
  /// aux-loss-free bias, the aux-loss correction) to the state a trained router is in; their
  /// figures are not written.
  public var warmupSteps: Int = 0

  /// The warm-up steps a run routes: `warmupSteps` when a balancing controller is on
  /// (`bias_update_rate`, `aux_bias_coeff`, `aux_loss_coeff`), else 0: without one a warm-up step
  /// moves nothing the measured steps see, so it is skipped rather than routed.
  public var routedWarmupSteps: Int {
    biasUpdateRate > 0 || auxBiasCoefficient > 0 || auxLossCoefficient > 0 ? warmupSteps : 0
  }

  enum CodingKeys: String, CodingKey {
    case kind
    case normalizeTopK = "normalize_topk"
    case capacityFactor = "capacity_factor"
    case minCapacity = "min_capacity"
    case dropPolicy = "drop_policy"
    case temperature
    case biasSpread = "bias_spread"
    case biasSpreadByLayer = "bias_spread_by_layer"
    case scoreOrder = "score_order"
    case routedScalingFactor = "routed_scaling_factor"
    case groups = "n_group"
    case topKGroups = "topk_group"
    case groupScore = "group_score"
    case noiseStd = "noise_std"
    case capacityScope = "capacity_scope"
    case padToCapacity = "pad_to_capacity"
    case biasUpdateRate = "bias_update_rate"
    case auxBiasCoefficient = "aux_bias_coeff"
    case auxLossCoefficient = "aux_loss_coeff"
    case sequenceAuxLoss = "sequence_aux_loss"
    case warmupSteps = "warmup_steps"
  }
}

/// How group-limited routing ranks a group of experts.
public enum GroupScore: String, Sendable, CaseIterable, Encodable {
  /// The sum of its two highest scores (transformers' DeepSeek-V3 `MoEGate`, `noaux_tc`).
  case top2
  /// The sum of its `k / topk_group` highest scores (Megatron-Core `group_limited_topk`,
  /// moe_utils.py: `topk(topk // group_topk)`).
  case topkPerGroup = "topk_per_group"
  /// Its best expert's score (DeepSeek-V2's `group_limited_greedy`).
  case best

  /// Scores summed per group for a router choosing `topK` experts from `topKGroups` groups.
  public func scoredExperts(topK: Int, topKGroups: Int) -> Int {
    switch self {
    case .top2: return 2
    case .topkPerGroup: return topK / topKGroups
    case .best: return 1
    }
  }
}

/// The router family.
public enum RouterKind: String, Sendable, CaseIterable, Encodable {
  /// Softmax over all experts, then the k highest probabilities (Mixtral, Qwen-MoE, OLMoE).
  case softmaxTopK = "softmax_topk"
  /// Sigmoid affinities, top-k, gates normalised and scaled (DeepSeek-V3).
  case sigmoidTopK = "sigmoid_topk"
  /// Top-1 softmax with capacity (Switch Transformer).
  case switchTop1 = "switch"
  /// Top-2 with the second expert kept with probability ∝ its gate (GShard).
  case gshardTop2 = "gshard_top2"
  /// Each expert picks its top-C tokens of the step (Zhou et al. 2022).
  case expertChoice = "expert_choice"
  /// A fixed hash of the token id picks the experts (Roller et al. 2021).
  case hash
  /// Gaussian noise on the logits before top-k (Shazeer et al. 2017).
  case noisyTopK = "noisy_topk"
}

/// Whether the softmax comes before or after the top-k selection.
public enum ScoreOrder: String, Sendable, CaseIterable, Encodable {
  case softmaxThenTopK = "softmax_then_topk"
  case topKThenSoftmax = "topk_then_softmax"
}

/// The token set one capacity applies to.
public enum CapacityScope: String, Sendable, CaseIterable, Encodable {
  /// `ceil(T · k / E · cf)` over the whole step (Megatron-Core `get_capacity` on the batch).
  case batch
  /// `ceil(L · k / E · cf)` for each sequence of L tokens, applied sequence by sequence.
  case sequence
}

/// Which assignments are dropped when an expert receives more than its capacity.
public enum DropPolicy: String, Sendable, CaseIterable, Encodable {
  /// Drop the assignments with the lowest gate values (Megatron-Core `drop_policy="probs"`).
  case probs
  /// Drop the assignments of the latest tokens in the batch (`drop_policy="position"`).
  case position
}

extension Scenario {
  /// The warm-up steps the run routes: the router's (`RouterSpec.routedWarmupSteps`), except
  /// when it replays a trace, which holds no steps before its first to warm up on: the recorded
  /// routing is that of the router as it was.
  public var routedWarmupSteps: Int {
    workload.kind == .trace ? 0 : router.routedWarmupSteps
  }
}
