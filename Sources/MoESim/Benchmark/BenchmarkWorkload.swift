/// The two reference workloads of `moesim bench`, compiled into the binary so that the benchmark
/// runs from any folder.
public enum BenchmarkWorkload: String, Sendable, CaseIterable {
  /// DeepSeek-like: 256 experts, top-8, 58 MoE layers, 4096 tokens × 32 steps.
  case rFine = "R-fine"
  /// Mixtral-like: 8 experts, top-2, 32 MoE layers, 4096 tokens × 64 steps.
  case rCoarse = "R-coarse"

  /// The workload named `name`, ignoring case (`r-fine`, `R-fine`), or nil.
  public init?(named name: String) {
    guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() })
    else { return nil }
    self = match
  }

  /// The name shown in errors for the built-in copy.
  public var file: String { "<built-in \(rawValue)>" }

  /// Byte-for-byte the text of `Scenarios/bench/<name>.json5` (a test keeps them identical).
  public var text: String {
    switch self {
    case .rFine: return Self.rFineText
    case .rCoarse: return Self.rCoarseText
    }
  }

  static let rFineText = #"""
    // Reference workload R-fine (DeepSeek-like): 256 experts, top-8, 58 MoE layers, 32 steps.
    // The same statistical workload as ../../../shared/bench/peer_numpy.py with its defaults:
    //   python3 peer_numpy.py --experts 256 --topk 8 --layers 58 --dim 64 --vocab 32768 \
    //     --zipf 1.1 --domains 4 --batch 4096 --steps 32 --capacity-factor 1.25 --noise 0.5
    // (the peer draws each token's domain independently: sequence_length 1 does the same).
    // Layer count as DeepSeek-V3 (61 layers, the first 3 dense); the other model sizes only
    // affect parameter accounting, not the routing work measured by `moesim bench`.
    {
      name: "r-fine",
      description: "Benchmark R-fine: 256 experts, top-8, 58 MoE layers, 4096 tokens × 32 steps.",
      seed: 1,
      model: {
        vocab_size: 129280,
        hidden_size: 7168,
        layers: 61,
        attention: { heads: 128, kv_heads: 128, head_dim: 128 },
        ffn: { kind: "swiglu", intermediate_size: 18432 },
        active_counts_embedding: false,
        moe: {
          experts: 256,
          top_k: 8,
          expert_intermediate_size: 2048,
          shared_experts: 1,
          first_dense_layers: 3,
        },
      },
      router: {
        kind: "softmax_topk",
        normalize_topk: true,
        capacity_factor: 1.25,
        drop_policy: "probs",
        bias_spread: 0.3,
      },
      workload: {
        tokens_per_step: 4096,
        steps: 32,
        sequence_length: 1,
        vocab_size: 32768,
        zipf_exponent: 1.1,
        domains: [
          { name: "d0", weight: 1 },
          { name: "d1", weight: 1 },
          { name: "d2", weight: 1 },
          { name: "d3", weight: 1 },
        ],
        router_dim: 64,
        noise: 0.5,
      },
    }
    """#

  static let rCoarseText = #"""
    // Reference workload R-coarse (Mixtral-like): 8 experts, top-2, 32 MoE layers, 64 steps.
    // The same statistical workload as ../../../shared/bench/peer_numpy.py run with
    //   python3 peer_numpy.py --experts 8 --topk 2 --layers 32 --dim 64 --vocab 32768 \
    //     --zipf 1.1 --domains 4 --batch 4096 --steps 64 --capacity-factor 1.25 --noise 0.5
    // (the peer draws each token's domain independently: sequence_length 1 does the same).
    // Model sizes as Mixtral-8x7B (see ../mixtral-8x7b.json5).
    {
      name: "r-coarse",
      description: "Benchmark R-coarse: 8 experts, top-2, 32 MoE layers, 4096 tokens × 64 steps.",
      seed: 1,
      model: {
        vocab_size: 32000,
        hidden_size: 4096,
        layers: 32,
        attention: { heads: 32, kv_heads: 8, head_dim: 128 },
        ffn: { kind: "swiglu" },
        moe: { experts: 8, top_k: 2, expert_intermediate_size: 14336 },
      },
      router: {
        kind: "softmax_topk",
        normalize_topk: true,
        capacity_factor: 1.25,
        drop_policy: "probs",
        bias_spread: 0.3,
      },
      workload: {
        tokens_per_step: 4096,
        steps: 64,
        sequence_length: 1,
        vocab_size: 32768,
        zipf_exponent: 1.1,
        domains: [
          { name: "d0", weight: 1 },
          { name: "d1", weight: 1 },
          { name: "d2", weight: 1 },
          { name: "d3", weight: 1 },
        ],
        router_dim: 64,
        noise: 0.5,
      },
    }
    """#
}
