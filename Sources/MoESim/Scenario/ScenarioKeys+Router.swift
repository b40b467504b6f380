extension ScenarioKeys {
  static let router: [ScenarioKey] = [
    ScenarioKey(
      "router", "kind", .choice, default: "\"softmax_topk\"",
      allowed: ScenarioKey.choices(RouterKind.self),
      meaning: "the router kind"),
    ScenarioKey(
      "router", "normalize_topk", .boolean, default: "true", allowed: "true, false",
      meaning: "renormalise the k selected gates to sum to 1 (Mixtral, Qwen)"),
    ScenarioKey(
      "router", "capacity_factor", .number, default: "null (dropless)",
      allowed: "> 0, or null (dropless)",
      meaning: "capacity per expert = ceil(T · k / E · capacity_factor) per step"),
    ScenarioKey(
      "router", "min_capacity", .integer, default: "0", allowed: "0 … 2³⁰",
      meaning:
        "the smallest capacity per expert, in assignments (Megatron-Core get_capacity's min_capacity)"
    ),
    ScenarioKey(
      "router", "drop_policy", .choice, default: "\"probs\"",
      allowed: ScenarioKey.choices(DropPolicy.self),
      meaning:
        "over capacity, drop the lowest gates (\"probs\") or the latest tokens (\"position\")"),
    ScenarioKey(
      "router", "temperature", .number, default: "1", allowed: "> 0",
      meaning: "logits are divided by it"),
    ScenarioKey(
      "router", "bias_spread", .number, default: "0", allowed: "≥ 0",
      meaning:
        "standard deviation of the per-expert logit bias: the popularity skew between experts, the same for every …"
    ),
    ScenarioKey(
      "router", "bias_spread_by_layer", .array, default: "absent (bias_spread for every layer)",
      allowed: "one number ≥ 0 per MoE layer",
      meaning:
        "per-layer bias spreads in MoE-layer order, in place of bias_spread: popularity skew that differs by depth (moesim fit --per-layer-skew)"
    ),
    ScenarioKey(
      "router", "score_order", .choice, default: "\"softmax_then_topk\"",
      allowed: ScenarioKey.choices(ScoreOrder.self),
      meaning:
        "softmax-scored kinds: softmax over all experts then top-k, or \"topk_then_softmax\" (top-k of the logits, …"
    ),
    ScenarioKey(
      "router", "routed_scaling_factor", .number, default: "1", allowed: "(0, 1e6]",
      meaning: "gates are multiplied by it after normalisation (DeepSeek-V3: 2.5)"),
    ScenarioKey(
      "router", "n_group", .integer, default: "1", allowed: "a divisor of model.moe.experts",
      meaning: "expert groups for group-limited routing (DeepSeek-V3 n_group)"),
    ScenarioKey(
      "router", "topk_group", .integer, default: "n_group", allowed: "1 … n_group",
      meaning: "groups a token may use, the best by router.group_score"),
    ScenarioKey(
      "router", "group_score", .choice, default: "\"top2\"",
      allowed: ScenarioKey.choices(GroupScore.self),
      meaning:
        "a group's rank: \"top2\" sum of its 2 best (HF DeepSeek-V3), \"topk_per_group\" of its top_k / topk_group best (Megatron-Core), \"best\" its best (DeepSeek-V2 group_limited_greedy)"
    ),
    ScenarioKey(
      "router", "noise_std", .number, default: "1", allowed: "0 … 1e6",
      meaning: "noisy_topk: standard deviation of the Gaussian noise on the logits"),
    ScenarioKey(
      "router", "capacity_scope", .choice, default: "\"batch\"",
      allowed: ScenarioKey.choices(CapacityScope.self),
      meaning: "capacity over the whole step, or \"sequence\""),
    ScenarioKey(
      "router", "pad_to_capacity", .boolean, default: "false", allowed: "true, false",
      meaning:
        "report padded_slots, the empty expert slots when every expert is padded to its capacity (they cost FLOPs)"
    ),
    ScenarioKey(
      "router", "bias_update_rate", .number, default: "0", allowed: "0 … 1e6",
      meaning: "aux-loss-free balancing γ (DeepSeek-V3"),
    ScenarioKey(
      "router", "aux_bias_coeff", .number, default: "0", allowed: "0 … 1e6",
      meaning:
        "first-order aux-loss correction α: after each step the logit bias moves by −α · ∂aux_loss/∂b (moves gates too)"
    ),
    ScenarioKey(
      "router", "sequence_aux_loss", .boolean, default: "false", allowed: "true, false",
      meaning:
        "also report the sequence-level aux loss each step (keeps the step's router scores in memory"
    ),
    ScenarioKey(
      "router", "aux_loss_coeff", .number, default: "0",
      allowed: "0 … 1e6; softmax- or sigmoid-scored kinds",
      meaning:
        "aux-loss-trained router: during warmup_steps each step moves the router weights by −α · ∂aux_loss/∂W"
    ),
    ScenarioKey(
      "router", "warmup_steps", .integer, default: "0", allowed: "0 … 10⁶",
      meaning:
        "steps routed before measurement, 0 … 10⁶, numbered −W … −1 (their own random streams, so the measured …"
    ),
  ]
}
