extension ScenarioKeys {
  static let cluster: [ScenarioKey] = [
    ScenarioKey(
      "cluster", "devices", .integer, default: "tp × pp × dp", allowed: "tp × pp × dp",
      meaning: "devices of the layout"),
    ScenarioKey(
      "cluster", "device_memory_gib", .number, default: "device's usable memory, else 79.6",
      allowed: "> 0, ≤ 2⁴⁰", meaning: "memory of one device, GiB (2³⁰ bytes)"),
    ScenarioKey(
      "cluster", "memory_utilization", .number, default: "1", allowed: "in (0, 1]",
      meaning: "share of device memory the engine may fill (vLLM's gpu_memory_utilization)"),
    ScenarioKey(
      "cluster", "memory_reserve_gib", .number, default: "0",
      allowed: "≥ 0, below device_memory_gib × memory_utilization",
      meaning: "GiB held back per device (CUDA context, communication buffers, fragmentation)"),
    ScenarioKey(
      "cluster", "max_tp", .integer, default: "8", allowed: "1 … 4096",
      meaning: "largest tp the smallest-fit search tries (one node)"),
    ScenarioKey(
      "cluster", "layout", .object, default: "all 1", allowed: "see cluster.layout",
      meaning: "the parallel layout"),
    ScenarioKey(
      "cluster", "device", .stringOrObject, default: "none",
      allowed: ScenarioKey.quoted(DeviceCatalog.names) + ", or an object (see cluster.device)",
      meaning:
        "accelerator: a catalog name (\"h100-sxm\", \"h200\", \"a100-sxm\", \"b200\", \"mi300x\", \"tpu-v5p\") or an inline …"
    ),
    ScenarioKey(
      "cluster", "devices_per_node", .integer, default: "device's, else 8", allowed: "≥ 1",
      meaning: "devices sharing the fast intra-node link"),
    ScenarioKey(
      "cluster", "placement", .object, default: "none", allowed: "see cluster.placement",
      meaning: "expert placement on the layout.ep devices (below)"),
    ScenarioKey(
      "cluster", "cost", .object, default: "defaults", allowed: "see cluster.cost",
      meaning: "the time model: mode and efficiencies"),
    ScenarioKey(
      "cluster.layout", "tp", .integer, default: "1", allowed: "a divisor of model.attention.heads",
      meaning:
        "tensor parallelism: attention, dense FFN, shared experts, embedding, head split tp ways"),
    ScenarioKey(
      "cluster.layout", "ep", .integer, default: "1", allowed: "1 … model.moe.experts",
      meaning: "expert parallelism: ceil(E / ep) routed experts per device"),
    ScenarioKey(
      "cluster.layout", "expert_tp", .integer, default: "1",
      allowed: "ep × expert_tp divides tp × dp",
      meaning: "each routed expert split expert_tp ways"),
    ScenarioKey(
      "cluster.layout", "dp", .integer, default: "1", allowed: "1 … 65536",
      meaning: "data parallelism (replicas"),
    ScenarioKey(
      "cluster.layout", "pp", .integer, default: "1", allowed: "1 … model.layers",
      meaning: "pipeline stages: contiguous blocks, the first L mod pp stages one more"),
    ScenarioKey(
      "cluster.device", "name", .string, default: "\"custom\"", allowed: "any text",
      meaning: "the device name in reports"),
    ScenarioKey(
      "cluster.device", "memory_gb", .number, default: "required", allowed: "> 0, ≤ 2⁴⁰",
      meaning: "memory per device, GB (10⁹ bytes)"),
    ScenarioKey(
      "cluster.device", "usable_memory_gib", .number, default: "memory_gb in GiB",
      allowed: "> 0, ≤ 2⁴⁰",
      meaning: "memory the runtime can use, GiB, as nvidia-smi reports it"),
    ScenarioKey(
      "cluster.device", "hbm_bandwidth_gbps", .number, default: "required", allowed: "1e-6 … 1e12",
      meaning: "HBM bandwidth, GB/s"),
    ScenarioKey(
      "cluster.device", "fp32_tflops", .number, default: "bf16 / 2", allowed: "1e-6 … 1e12",
      meaning: "dense fp32 (TF32) rate, TFLOP/s"),
    ScenarioKey(
      "cluster.device", "bf16_tflops", .number, default: "required", allowed: "1e-6 … 1e12",
      meaning: "dense bf16 rate, TFLOP/s"),
    ScenarioKey(
      "cluster.device", "fp8_tflops", .number, default: "bf16", allowed: "1e-6 … 1e12",
      meaning: "dense fp8 rate, TFLOP/s"),
    ScenarioKey(
      "cluster.device", "fp4_tflops", .number, default: "none (no FP4)", allowed: "1e-6 … 1e12",
      meaning: "dense FP4 TFLOP/s"),
    ScenarioKey(
      "cluster.device", "int8_tops", .number, default: "bf16", allowed: "1e-6 … 1e12",
      meaning: "dense int8 rate, TOP/s"),
    ScenarioKey(
      "cluster.device", "intra_node_bandwidth_gbps", .number, default: "required",
      allowed: "1e-6 … 1e12",
      meaning: "link bandwidth to a device of the same node, GB/s per direction"),
    ScenarioKey(
      "cluster.device", "inter_node_bandwidth_gbps", .number, default: "required",
      allowed: "1e-6 … 1e12",
      meaning: "link bandwidth to a device of another node, GB/s per direction"),
    ScenarioKey(
      "cluster.device", "link_latency_us", .number, default: "2", allowed: "0 … 1e9",
      meaning: "latency of one message, µs"),
    ScenarioKey(
      "cluster.device", "devices_per_node", .integer, default: "8", allowed: "≥ 1",
      meaning: "devices sharing the fast intra-node link"),
    ScenarioKey(
      "cluster.placement", "strategy", .choice, default: "\"contiguous\"",
      allowed: ScenarioKey.choices(PlacementKind.self),
      meaning: "contiguous, round_robin, load_aware or replicated"),
    ScenarioKey(
      "cluster.placement", "redundant_slots", .integer, default: "0", allowed: "≥ 0",
      meaning: "physical slots beyond one per expert, holding replicas of the heaviest experts"),
    ScenarioKey(
      "cluster.placement", "groups", .integer, default: "1",
      allowed: "a divisor of model.moe.experts",
      meaning:
        "expert groups; must divide model.moe.experts; with several nodes and groups a multiple of the nodes, …"
    ),
    ScenarioKey(
      "cluster.placement", "window_steps", .integer, default: "1", allowed: "≥ 1",
      meaning: "steps of observed loads a plan is made from (warm-up, then sliding window)"),
    ScenarioKey(
      "cluster.placement", "replan_every", .integer, default: "0", allowed: "≥ 0",
      meaning: "re-plan every N steps after the warm-up"),
    ScenarioKey(
      "cluster.placement", "dedup_dispatch", .boolean, default: "true", allowed: "true, false",
      meaning: "send a token once per destination device (DeepEP)"),
    ScenarioKey(
      "cluster.placement", "export", .choice, default: "none",
      allowed: ScenarioKey.choices(PlacementExportFormat.self),
      meaning: "write the run's final placement in that runtime's format into the results folder"),
    ScenarioKey(
      "cluster.placement", "node_forwarding", .boolean, default: "false",
      allowed: "true, false (true needs dedup_dispatch)",
      meaning:
        "one inter-node copy per destination node, forwarded over the intra-node link (DeepEP normal kernels)"
    ),
    ScenarioKey(
      "cluster.cost", "mode", .choice, default: "\"prefill\"",
      allowed: ScenarioKey.choices(ClusterCostSpec.Mode.self),
      meaning:
        "training (3 × forward FLOPs and bytes, all-to-all in both passes, gradient all-reduce of replicated …"
    ),
    ScenarioKey(
      "cluster.cost", "gemm_efficiency", .choice, default: "\"peak\"",
      allowed: ScenarioKey.choices(ClusterCostSpec.GemmEfficiency.self),
      meaning:
        "defaults of compute_efficiency and expert_padding_rows: peak (1, 0) or deepgemm (0.658, 131)"
    ),
    ScenarioKey(
      "cluster.cost", "attention_efficiency", .choice, default: "\"peak\"",
      allowed: ScenarioKey.choices(ClusterCostSpec.AttentionEfficiency.self),
      meaning:
        "attention scores and values: at the matmul rate, or flash_attention_3 (BF16 peak × 0.663·L/(L + 602))"
    ),
    ScenarioKey(
      "cluster.cost", "compute_efficiency", .number, default: "1 (deepgemm: 0.658)",
      allowed: "1e-6 … 1", meaning: "fraction of peak FLOP/s reached"),
    ScenarioKey(
      "cluster.cost", "expert_padding_rows", .number, default: "0 (deepgemm: 131)",
      allowed: "[0, 2^20]",
      meaning: "rows a touched expert's grouped GEMMs cost beyond its tokens"),
    ScenarioKey(
      "cluster.cost", "bandwidth_efficiency", .number, default: "1", allowed: "1e-6 … 1",
      meaning: "fraction of peak HBM and link bandwidth reached"),
    ScenarioKey(
      "cluster.cost", "overlap", .number, default: "0", allowed: "[0, 1]",
      meaning: "fraction of communication hidden behind compute, [0, 1]"),
    ScenarioKey(
      "cluster.cost", "two_batch_overlap", .boolean, default: "false",
      allowed: "true, false (true needs overlap 0)",
      meaning:
        "two micro-batches, one computing while the other communicates (SGLang TBO), with its cost"
    ),
    ScenarioKey(
      "cluster.cost", "communication_sm_fraction", .number, default: "0",
      allowed: "[0, 1) (> 0 needs two_batch_overlap)",
      meaning:
        "compute units the all-to-all kernels hold while overlapping (DeepSeek-V3: 20/132 SMs)"),
    ScenarioKey(
      "cluster.cost", "prefix_cache_hit_rate", .number, default: "0",
      allowed: "[0, 1) (> 0 only in prefill)",
      meaning:
        "share of each prompt found in the prefix cache: its keys and values are read, the rest computed"
    ),
    ScenarioKey(
      "cluster.cost", "mtp_draft_tokens", .integer, default: "0",
      allowed: "0 … 16 (> 0 only in decode, with model.mtp_modules ≥ 1)",
      meaning:
        "decode: tokens each sequence drafts with the MTP module and verifies per step (step tokens = sequences × (1 + d))"
    ),
    ScenarioKey(
      "cluster.cost", "mtp_accepted_tokens", .number, default: "0",
      allowed: "[0, mtp_draft_tokens]",
      meaning: "decode: drafted tokens accepted per sequence and step, on average"),
    ScenarioKey(
      "cluster.cost", "micro_batches", .integer, default: "1", allowed: "1 … 2^20",
      meaning:
        "micro-batches per global batch through the pipeline (1F1B); the step's tokens are one of them"
    ),
    ScenarioKey(
      "cluster.cost", "virtual_stages", .integer, default: "1",
      allowed: "1 … layers / pp (micro_batches a multiple of pp when > 1)",
      meaning: "model chunks per device, the interleaved schedule (Megatron's virtual pipeline)"),
    ScenarioKey(
      "cluster.cost", "charge_replan_copy", .boolean, default: "true", allowed: "true, false",
      meaning:
        "add the copy of re-planned expert weights (bytes / link bandwidth) to the step of the re-plan"
    ),
  ]
}
