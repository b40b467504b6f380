extension ScenarioKeys {
  static let workload: [ScenarioKey] = [
    ScenarioKey(
      "workload", "tokens_per_step", .integer, default: "4096", allowed: "1 … 2²⁴",
      meaning: "tokens routed per step (the batch T), 1 … 2²⁴"),
    ScenarioKey(
      "workload", "steps", .integer, default: "16", allowed: "≥ 1",
      meaning: "steps simulated, ≥ 1 (streamed"),
    ScenarioKey(
      "workload", "sequence_length", .integer, default: "512", allowed: "≥ 1",
      meaning: "tokens per sequence"),
    ScenarioKey(
      "workload", "vocab_size", .integer, default: "32768", allowed: "1 … 2²²",
      meaning: "token types of the stream, 1 … 2²²"),
    ScenarioKey(
      "workload", "zipf_exponent", .number, default: "1.1", allowed: "0 … 10",
      meaning: "token of rank r has probability ∝ r^−s"),
    ScenarioKey(
      "workload", "domains", .array, default: "[{name: \"general\"}]", allowed: "[{name, weight}]",
      meaning:
        "the mixture: [{name, weight}], names unique, weights ≥ 0 (default 1) with a positive sum"),
    ScenarioKey(
      "workload", "router_dim", .integer, default: "64", allowed: "1 … 8192",
      meaning: "width d of the hidden state the router sees, 1 … 8192"),
    ScenarioKey(
      "workload", "noise", .number, default: "0.5", allowed: "≥ 0",
      meaning: "scale of the per-token Gaussian context noise, ≥ 0"),
    ScenarioKey(
      "workload", "domain_offset_scale", .number, default: "1", allowed: "≥ 0",
      meaning: "scale of each domain's hidden-state offset, ≥ 0"),
    ScenarioKey(
      "workload", "domain_schedule", .array, default: "none",
      allowed: "[{step, weights: {domain: w}}]",
      meaning: "drift: [{step, weights: {domain: w}}], steps strictly increasing"),
    ScenarioKey(
      "workload", "kind", .choice, default: "\"synthetic\"",
      allowed: ScenarioKey.choices(WorkloadKind.self),
      meaning: "\"synthetic\", or \"trace\""),
    ScenarioKey(
      "workload", "trace", .string, default: "required for \"trace\"",
      allowed: "a path relative to the scenario file",
      meaning:
        "the trace CSV (or a .npy / .json per-token record of vLLM or SGLang, or a moe-balance .jsonl, see \"Recorded …"
    ),
    ScenarioKey(
      "workload", "format", .choice, default: "from the trace's name",
      allowed: ScenarioKey.choices(TraceFormat.self),
      meaning:
        "the format of workload.trace: .jsonl is moe-balance, .npy vllm, .json with records sglang (else vllm), else csv"
    ),
    ScenarioKey(
      "workload", "sequences_per_step", .integer, default: "none", allowed: "1 … tokens_per_step",
      meaning: "instead of sequence_length"),
    ScenarioKey(
      "workload", "context_scale", .number, default: "0", allowed: "≥ 0",
      meaning:
        "σ_c, scale of each sequence's context state, ≥ 0 (0 = tokens independent given their domain)"
    ),
    ScenarioKey(
      "workload", "context_correlation", .number, default: "0.9", allowed: "0 … 1",
      meaning:
        "ρ, correlation of the context between consecutive tokens of a sequence, 0 … 1 (1 = one state for the whole …"
    ),
    ScenarioKey(
      "workload", "context_ramp_layers", .integer, default: "0", allowed: "0 … 2⁴⁰",
      meaning:
        "R, MoE layers over which the context grows in: MoE layer ℓ (0 = first) routes min(1, ℓ/R) of it (0 = all …"
    ),
    ScenarioKey(
      "workload", "layer_persistence", .number, default: "1", allowed: "0 … 1",
      meaning:
        "a, share of a token's noise carried from one MoE layer to the next, 0 … 1 (1 = every layer routes the same …"
    ),
    ScenarioKey(
      "workload.domains[]", "name", .string, default: "required", allowed: "unique, non-empty",
      meaning: "the domain name, unique"),
    ScenarioKey(
      "workload.domains[]", "weight", .number, default: "1", allowed: "≥ 0",
      meaning: "the domain share of sequences (normalised over domains)"),
    ScenarioKey(
      "workload.domain_schedule[]", "step", .integer, default: "required",
      allowed: "≥ 0, strictly increasing",
      meaning: "the step of this point of the drift"),
    ScenarioKey(
      "workload.domain_schedule[]", "weights", .object, default: "required",
      allowed: "{domain name: weight ≥ 0}",
      meaning: "domain weights at that step"),
  ]
}
