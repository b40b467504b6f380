/// Scenarios compiled into the binary, so `moesim run` works from any folder.
public enum BuiltinScenarios {
  /// The name shown in errors for the built-in quickstart.
  public static let quickstartFile = "<built-in quickstart>"

  /// Byte-for-byte the text of `Scenarios/quickstart.json5` (a test keeps the two identical).
  public static let quickstart = #"""
// MoESim quickstart: a small mixture-of-experts model routed for 32 steps.
// Runs in about a second: `swift run -c release moesim run Scenarios/quickstart.json5`.
// Every key is explained in the README's scenario reference; omitted keys take their defaults.
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
  },

  workload: {
    tokens_per_step: 4096,
    steps: 32,
    sequence_length: 512,
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
