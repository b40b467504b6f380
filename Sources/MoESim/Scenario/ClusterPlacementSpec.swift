/// `cluster.placement`: how the experts of every MoE layer are placed on the expert-parallel
/// devices, and when the plan is redone. When absent, the simulation computes no per-device
/// figures (and writes no `devices.csv`).
public struct ClusterPlacementSpec: Sendable, Equatable, Encodable {
  public var strategy: PlacementKind
  /// Physical slots beyond one per expert, holding replicas of the heaviest experts.
  public var redundantSlots: Int
  /// Expert groups (DeepSeek-V3: 8 groups of 32 routed experts); the replicated strategy packs
  /// groups to nodes first when the groups split evenly over the nodes.
  public var groups: Int
  /// Steps whose expert loads a plan is made from: the warm-up before the first load-driven
  /// plan, then the sliding window of every re-plan. Steps before the first plan use the
  /// strategy applied to uniform loads.
  public var windowSteps: Int
  /// Re-plan every N steps from the last `windowSteps` steps; 0 plans once, after the warm-up.
  public var replanEvery: Int
  /// Send a token once to a device even when several of its experts live there (DeepEP's
  /// dispatch); false sends one copy per selected expert.
  public var dedupDispatch: Bool
  /// Write the run's final placement into the results folder in this runtime's format
  /// (`PlacementExportFormat.runFileName`); nil writes none.
  public var export: PlacementExportFormat?
  /// Send one inter-node copy of a token per destination node, to the device of the same
  /// local index there, which forwards it over the intra-node link to each destination device
  /// of its node (DeepEP's normal kernels); false sends one copy straight to each device.
  public var nodeForwarding: Bool

  public init(
    strategy: PlacementKind = .contiguous, redundantSlots: Int = 0, groups: Int = 1,
    windowSteps: Int = 1, replanEvery: Int = 0, dedupDispatch: Bool = true,
    export: PlacementExportFormat? = nil,
    nodeForwarding: Bool = false
  ) {
    self.strategy = strategy
    self.redundantSlots = redundantSlots
    self.groups = groups
    self.windowSteps = windowSteps
    self.replanEvery = replanEvery
    self.dedupDispatch = dedupDispatch
    self.export = export
    self.nodeForwarding = nodeForwarding
  }
}

/// `cluster.cost`: the step-time model's mode and efficiencies (see the README's time model).
public struct ClusterCostSpec: Sendable, Equatable, Encodable {
  /// What one step is.
  public enum Mode: String, Sendable, CaseIterable, Encodable {
    /// Forward and backward (3 × forward FLOPs), plus the gradient all-reduce of replicated
    /// expert weights.
    case training
    /// Forward over the step's tokens (a prompt batch).
    case prefill
    /// Forward of one new token per sequence: every expert touched has its weights read.
    case decode
  }

  public var mode: Mode
  /// Fraction of peak FLOP/s that matrix products reach (1 = roofline peak).
  public var computeEfficiency: Double
  /// Fraction of peak HBM and link bandwidth reached (1 = datasheet peak).
  public var bandwidthEfficiency: Double
  /// Fraction of communication time hidden behind compute (0 = none, 1 = all that fits).
  public var overlap: Double
  /// Two-batch overlap (SGLang TBO; DeepSeek-V3's dual micro-batch): each device splits its
  /// tokens into two micro-batches whose compute and communication alternate, so an MoE layer
  /// takes the longer of the two, each paid twice where it is per batch (weights read, expert
  /// padding rows, message latency), plus once per step half the shorter of the first layer.
  public var twoBatchOverlap: Bool
  /// With two-batch overlap, the fraction of the compute units the dispatch and combine
  /// kernels hold while they run (DeepSeek-V3 report sec. 3.2.2: 20 of the H800's 132 SMs).
  public var communicationSMFraction: Double
  /// Micro-batches of a global batch (Megatron's `num_microbatches`): the step's tokens are one
  /// micro-batch of every data-parallel replica, and `microBatches` of them run through the
  /// pipeline stages under the 1F1B schedule (interleaved with `virtualStages > 1`), the
  /// gradient all-reduce and re-plan copy once after them; a step's time is the global batch's
  /// over `microBatches`.
  public var microBatches: Int
  /// Model chunks per device under the interleaved schedule (Megatron's virtual pipeline size):
  /// 1 is plain 1F1B; `v` chunks divide the fill and drain by `v`.
  public var virtualStages: Int
  /// Charge the copy of re-planned expert weights (bytes / link bandwidth) to the step of the
  /// re-plan; false leaves it out (a copy done in the background, off the critical path).
  public var chargeReplanCopy: Bool
  /// Where `computeEfficiency` and `expertPaddingRows` default from.
  public var gemmEfficiency: GemmEfficiency
  /// Prefill: the share of each prompt found in the prefix cache (a prefix of its tokens, whose
  /// keys and values are read instead of computed); the step's tokens are the computed ones.
  public var prefixCacheHitRate: Double
  /// Decode with multi-token prediction (DeepSeek-V3's MTP modules as draft models): each
  /// sequence verifies `mtpDraftTokens` drafted tokens with the new one, so the step's tokens are
  /// sequences × (1 + d), and keeps `mtpAcceptedTokens` of the drafts on average.
  public var mtpDraftTokens: Int
  public var mtpAcceptedTokens: Double

  /// Tokens each sequence puts through the model per decode step: 1 + `mtpDraftTokens` (1 in
  /// the other modes).
  public var tokensPerSequence: Int { mode == .decode ? 1 + mtpDraftTokens : 1 }
  /// Output tokens per token of the step: `(1 + a) / (1 + d)` in decode, else 1.
  public var outputTokensPerStepToken: Double {
    mode == .decode ? (1 + mtpAcceptedTokens) / Double(tokensPerSequence) : 1
  }

  /// Prefill: the tokens of each `context`-token prompt found in the prefix cache,
  /// `⌊prefix_cache_hit_rate · c⌋`, at most `c − 1` (0 in the other modes).
  public func cachedPrefixTokens(context: Int) -> Int {
    mode == .prefill ? max(0, min(context - 1, Int(prefixCacheHitRate * Double(context)))) : 0
  }
  /// How fast the attention kernel runs (prefill and training).
  public var attentionEfficiency: AttentionEfficiency
  /// Rows each touched expert slot's grouped GEMMs cost beyond its tokens: an expert with `a`
  /// tokens takes as long as `a + expertPaddingRows` tokens at the achieved FLOP/s.
  public var expertPaddingRows: Double

  /// The source of the matrix-product efficiency defaults.
  public enum GemmEfficiency: String, Sendable, CaseIterable, Encodable {
    /// Peak: `compute_efficiency` 1, no padding rows (a roofline).
    case peak
    /// Fitted once to DeepGEMM's published FP8 grouped-GEMM rates on H800
    /// (`GroupedGemmFit.deepGEMM`).
    case deepgemm
  }

  /// The rate of the attention scores and values.
  public enum AttentionEfficiency: String, Sendable, CaseIterable, Encodable {
    /// At the matmul rate: `precision.matmul`'s peak × `compute_efficiency`.
    case peak
    /// FlashAttention-3's BF16 causal kernel on H100, fitted once
    /// (`AttentionKernelFit.flashAttention3`): the BF16 peak × `0.663 · L / (L + 602)` over a
    /// sequence of `L` tokens.
    case flashAttention3 = "flash_attention_3"

    /// The efficiency law; nil at the matmul rate.
    public var fit: AttentionKernelFit? {
      self == .flashAttention3 ? AttentionKernelFit.flashAttention3 : nil
    }
  }

  public init(
    mode: Mode = .prefill, computeEfficiency: Double = 1, bandwidthEfficiency: Double = 1,
    overlap: Double = 0, chargeReplanCopy: Bool = true, gemmEfficiency: GemmEfficiency = .peak,
    expertPaddingRows: Double = 0, twoBatchOverlap: Bool = false, microBatches: Int = 1,
    virtualStages: Int = 1, attentionEfficiency: AttentionEfficiency = .peak,
    communicationSMFraction: Double = 0, prefixCacheHitRate: Double = 0,
    mtpDraftTokens: Int = 0, mtpAcceptedTokens: Double = 0
  ) {
    self.mtpDraftTokens = mtpDraftTokens
    self.mtpAcceptedTokens = mtpAcceptedTokens
    self.prefixCacheHitRate = prefixCacheHitRate
    self.communicationSMFraction = communicationSMFraction
    self.attentionEfficiency = attentionEfficiency
    self.microBatches = microBatches
    self.virtualStages = virtualStages
    self.twoBatchOverlap = twoBatchOverlap
    self.mode = mode
    self.gemmEfficiency = gemmEfficiency
    self.expertPaddingRows = expertPaddingRows
    self.computeEfficiency = computeEfficiency
    self.bandwidthEfficiency = bandwidthEfficiency
    self.overlap = overlap
    self.chargeReplanCopy = chargeReplanCopy
  }
}
