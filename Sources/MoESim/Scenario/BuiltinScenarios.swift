/// Scenarios compiled into the binary, so `moesim run` works from any folder.
public enum BuiltinScenarios {
  /// The name shown in errors for the built-in quickstart.
  public static let quickstartFile = "<built-in quickstart>"

  /// Byte-for-byte the text of `Scenarios/quickstart.json5` (a test keeps the two identical).
  public static let quickstart = #"""
// MoESim quickstart: a small mixture-of-experts model routed for 32 steps.
// Runs in a few seconds: `swift run -c release moesim run Scenarios/quickstart.json5`.
// Every key is explained in the README's scenario reference; omitted keys take their defaults.
//
// Routing by default, as the shipped model scenarios: a training micro-batch of 4096 tokens in
// 32 sequences of 128, each from its own domain of the mixture, and a router trained on the
// Switch aux loss: 50 warm-up steps at the aux-loss step size fitted to Wang et al. 2024
// (arXiv:2408.15664, Table 2; Scenarios/calibration/deepseekmoe-64e-aux-loss.json5). Measured
// by running it (seed 42): per-step max/mean expert load 1.30 (worst 2.30), load CV 0.20,
// MaxVio_global 0.12, 1.1 % of assignments dropped at capacity factor 1.25. Plausible: the
// 512 assignments an expert gets per step on average leave sampling noise a CV of about
// 1/√512 ≈ 0.04; the rest is what 32 sequences of three domains put on experts that prefer a
// domain, which the trained router evens out to about what the aux-loss calibration leaves
// (MaxVio_global 0.72 over 64 experts, 0.12 here over 16), and a busiest expert 1.3× the mean
// overflows capacity 1.25 only now and then.
// The untrained router on 8 sequences of 512 (max/mean 3.77, worst 7.5, 33.8 % dropped: a few
// experts take most of a one-domain sequence) stays available as an explicit choice:
//   --set router.warmup_steps=0 --set workload.sequence_length=512
{
  name: "quickstart",
  description: "A 16-expert top-2 MoE on a three-domain token stream, capacity factor 1.25.",
  seed: 42,

  model: {
    vocab_size: 32000,
    hidden_size: 1024,
    layers: 8,
    attention: { heads: 16, kv_heads: 4 },
    ffn: { kind: "swiglu", intermediate_size: 2816 },
    moe: {
      experts: 16,
      top_k: 2,
      expert_intermediate_size: 1408,
      first_dense_layers: 1,  // layer 0 keeps a dense FFN, as DeepSeek-V3 does
    },
  },

  router: {
    kind: "softmax_topk",
    normalize_topk: true,
    capacity_factor: 1.25,  // null for dropless
    drop_policy: "probs",
    bias_spread: 0.3,       // learned popularity skew between experts
    aux_loss_coeff: 0.032,  // a router trained on the Switch aux loss (header)
    warmup_steps: 50,
  },

  workload: {
    tokens_per_step: 4096,
    steps: 32,
    sequence_length: 128,
    vocab_size: 32768,
    zipf_exponent: 1.1,
    domains: [
      { name: "web", weight: 0.6 },
      { name: "code", weight: 0.3 },
      { name: "math", weight: 0.1 },
    ],
    router_dim: 64,
    noise: 0.5,
  },
}
"""#
}
