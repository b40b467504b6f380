/// One device's work for a part of the model outside the routed experts (attention, dense FFN,
/// shared experts, router, output head), as linear functions of the step's tokens `T`.
///
/// The `tp × dp` devices of a pipeline stage share that work: each of the `dp` replicas takes
/// `T / dp` tokens and splits every matrix `tp` ways (the vocabulary of the head too), with
/// sequence parallelism for the activations; the weights it reads are those `WeightSharding`
/// puts on the device, the rule `DeviceMemory` counts them by. All figures
/// are per device and already multiplied by the passes of the mode (3 in training).
public struct NonExpertWork: Sendable, Equatable {
  /// FLOPs one device does per token of the step.
  public var flopsPerStepToken: Double
  /// Weight bytes one device reads (its shard), whatever the tokens.
  public var weightBytes: Double
  /// Activation bytes one device reads and writes per token of the step (input and output of
  /// each part; fp32 logits for the head).
  public var activationBytesPerStepToken: Double
  /// KV-cache bytes one device reads (decode: the cached context) or writes (prefill: the new
  /// keys and values) per token of the step.
  public var kvCacheBytesPerStepToken: Double
  /// Training: bytes one device sends (and receives) in the ring all-reduce of its weight
  /// shard's gradients over the `dp` replicas, `2(dp − 1)/dp ×` the shard's bytes (Patarasuk
  /// and Yuan 2009, "Bandwidth optimal all-reduce algorithms"); 0 in inference.
  public var gradientBytes: Double
  /// The part of `flopsPerStepToken` that the attention kernel runs at its own rate
  /// (`cluster.cost.attention_efficiency`), and that kernel's seconds per token of the step;
  /// both 0 when attention runs at the matmul rate.
  public var attentionKernelFLOPsPerStepToken: Double
  public var attentionKernelSecondsPerStepToken: Double

  public init(
    flopsPerStepToken: Double = 0, weightBytes: Double = 0, activationBytesPerStepToken: Double = 0,
    kvCacheBytesPerStepToken: Double = 0, gradientBytes: Double = 0,
    attentionKernelFLOPsPerStepToken: Double = 0, attentionKernelSecondsPerStepToken: Double = 0
  ) {
    self.attentionKernelFLOPsPerStepToken = attentionKernelFLOPsPerStepToken
    self.attentionKernelSecondsPerStepToken = attentionKernelSecondsPerStepToken
    self.flopsPerStepToken = flopsPerStepToken
    self.weightBytes = weightBytes
    self.activationBytesPerStepToken = activationBytesPerStepToken
    self.kvCacheBytesPerStepToken = kvCacheBytesPerStepToken
    self.gradientBytes = gradientBytes
  }

  /// No work.
  public static let zero = NonExpertWork()

  /// FLOPs of one device for a step of `tokens` tokens.
  public func flops(tokens: Double) -> Double { flopsPerStepToken * tokens }
  /// KV-cache bytes of one device for a step of `tokens` tokens.
  public func kvCacheBytes(tokens: Double) -> Double { kvCacheBytesPerStepToken * tokens }
  /// HBM bytes of one device (weights, activations, KV cache) for a step of `tokens` tokens.
  public func bytes(tokens: Double) -> Double {
    weightBytes + (activationBytesPerStepToken + kvCacheBytesPerStepToken) * tokens
  }
  /// Roofline time: `max(FLOPs / flopsPerSecond, bytes / bytesPerSecond)`, the attention
  /// kernel's FLOPs at its own rate when it has one.
  public func seconds(tokens: Double, flopsPerSecond: Double, bytesPerSecond: Double) -> Double {
    max(
      computeSeconds(tokens: tokens, flopsPerSecond: flopsPerSecond),
      bytes(tokens: tokens) / bytesPerSecond)
  }

  /// The compute side of the roofline: the FLOPs at `flopsPerSecond`, the attention kernel's at
  /// its own rate when it has one.
  public func computeSeconds(tokens: Double, flopsPerSecond: Double) -> Double {
    (flopsPerStepToken - attentionKernelFLOPsPerStepToken) * tokens / flopsPerSecond
      + attentionKernelSecondsPerStepToken * tokens
  }

  /// Two parts run one after the other, costed as one roofline (sums of FLOPs and bytes).
  public static func + (lhs: NonExpertWork, rhs: NonExpertWork) -> NonExpertWork {
    NonExpertWork(
      flopsPerStepToken: lhs.flopsPerStepToken + rhs.flopsPerStepToken,
      weightBytes: lhs.weightBytes + rhs.weightBytes,
      activationBytesPerStepToken: lhs.activationBytesPerStepToken
        + rhs.activationBytesPerStepToken,
      kvCacheBytesPerStepToken: lhs.kvCacheBytesPerStepToken + rhs.kvCacheBytesPerStepToken,
      gradientBytes: lhs.gradientBytes + rhs.gradientBytes,
      attentionKernelFLOPsPerStepToken: lhs.attentionKernelFLOPsPerStepToken
        + rhs.attentionKernelFLOPsPerStepToken,
      attentionKernelSecondsPerStepToken: lhs.attentionKernelSecondsPerStepToken
        + rhs.attentionKernelSecondsPerStepToken)
  }
}

extension NonExpertWork {
  /// What a scenario fixes for every non-expert part.
  struct Setting {
    var sharding: WeightSharding
    var tp: Double
    var dp: Double
    /// 3 in training (forward + backward), else 1.
    var passes: Double
    var mode: ClusterCostSpec.Mode
    /// Cached context `c` (decode reads it all).
    var context: Double
    /// Prefill: the tokens of each `c`-token prompt found in the prefix cache
    /// (`ClusterCostSpec.cachedPrefixTokens`); the step's tokens are the rest.
    var cachedPrefix: Double
    /// Decode: tokens each sequence puts through the model per step (1 + MTP drafts).
    var tokensPerSequence: Double
    var weightBytesPerParameter: Double
    var activationBytes: Double
    var hiddenSize: Double
    /// KV-cache bytes of one token in one block on one device (`DeviceMemory`'s split).
    var kvCacheBytesPerTokenPerLayer: Double
    var vocabSize: Double
    /// Ring all-reduce volume per gradient byte: `2(dp − 1)/dp` in training, else 0.
    var gradientRingFactor: Double
    /// The attention kernel's efficiency law and the BF16 peak it is a fraction of, when
    /// `cluster.cost.attention_efficiency` times attention apart (prefill and training on a
    /// catalog device); nil: attention at the matmul rate.
    var attentionKernel: (fit: AttentionKernelFit, peakFLOPsPerSecond: Double)?

    init(scenario: Scenario, context: Int) {
      let layout = scenario.cluster.layout
      sharding = WeightSharding(scenario: scenario)
      tp = Double(layout.tp)
      dp = Double(layout.dp)
      mode = scenario.cluster.cost.mode
      passes = mode == .training ? 3 : 1
      self.context = Double(context)
      cachedPrefix = Double(scenario.cluster.cost.cachedPrefixTokens(context: context))
      tokensPerSequence = Double(scenario.cluster.cost.tokensPerSequence)
      weightBytesPerParameter = scenario.precision.weightBytes
      activationBytes = scenario.precision.activationBytes
      hiddenSize = Double(scenario.model.hiddenSize)
      kvCacheBytesPerTokenPerLayer =
        DeviceMemory.kvScalarsPerDevice(scenario.model.attention, tp: layout.tp)
        * scenario.precision.kvCacheBytes
      vocabSize = Double(scenario.model.vocabSize)
      gradientRingFactor = mode == .training ? 2 * (dp - 1) / dp : 0
      let cost = scenario.cluster.cost
      if let fit = cost.attentionEfficiency.fit, mode != .decode,
        let device = scenario.cluster.device
      {
        attentionKernel = (fit, device.flopsPerSecond(for: .bf16))
      }
    }

    /// Positions each token attends to in a block with attention window `window`: the whole
    /// cache (or the window) in decode, the causal average over the `c`-token sequence in prefill
    /// and training (`ComputeCost.attendedPositions`).
    func attendedPositions(window: Int?) -> Double {
      ComputeCost.attendedPositions(
        context: Int(context), window: window, causalMean: mode != .decode,
        cachedPrefix: Int(cachedPrefix))
    }
  }

  /// One block without its routed experts: linear layers and router (`ComputeCost`), attention
  /// scores and values over the mode's context; weights `(attention + dense FFN + shared) / tp
  /// + norms + router`; activations `2·h·x` (block input read, output written); decode reads
  /// `c` cached tokens' keys and values per sequence, prefill writes the new tokens' ones.
  init(block: BlockParameters, compute: ComputeCost, setting s: Setting) {
    let devices = s.tp * s.dp
    let attentionFLOPsPerToken =
      compute.forwardAttentionFLOPsPerPosition * s.attendedPositions(window: block.attentionWindow)
    let flopsPerToken =
      compute.forwardLinearFLOPsPerToken(nonExpertOf: block) + attentionFLOPsPerToken
    // A fitted kernel runs causal attention over the sequence (or the window) at its own rate.
    let kernelFLOPs = s.attentionKernel == nil ? 0 : s.passes * attentionFLOPsPerToken / devices
    let kernelSeconds =
      s.attentionKernel.map { kernel in
        let length = min(s.context, block.attentionWindow.map(Double.init) ?? s.context)
        return kernelFLOPs / (kernel.peakFLOPsPerSecond * kernel.fit.efficiency(length: length))
      } ?? 0
    let kvTokens: Double
    switch s.mode {
    // One new token per sequence, with its drafts under MTP, reads the whole cache (or window)
    // once per sequence.
    case .decode:
      kvTokens =
        min(s.context, block.attentionWindow.map(Double.init) ?? s.context) / s.tokensPerSequence
    // Each computed prompt token's keys and values are written once; a cached prefix of `p`
    // tokens is read once per prompt of `c − p` computed tokens.
    case .prefill: kvTokens = 1 + s.cachedPrefix / (s.context - s.cachedPrefix)
    case .training: kvTokens = 0  // keys and values are activations, no cache
    }
    // Gradients are kept in the weights' format, as `DeviceMemory` counts them.
    let shardBytes = s.weightBytesPerParameter * s.sharding.nonExpertParameters(block)
    self.init(
      flopsPerStepToken: s.passes * flopsPerToken / devices,
      weightBytes: s.passes * shardBytes,
      activationBytesPerStepToken: s.passes * 2 * s.hiddenSize * s.activationBytes / devices,
      // A replica's `T / dp` sequences; each device holds its tensor-parallel share of a token.
      kvCacheBytesPerStepToken: kvTokens * s.kvCacheBytesPerTokenPerLayer / s.dp,
      gradientBytes: s.gradientRingFactor * shardBytes,
      attentionKernelFLOPsPerStepToken: kernelFLOPs,
      attentionKernelSecondsPerStepToken: kernelSeconds)
  }

  /// The output head and the final norm before it: every position in training and decode, the
  /// last position of each `c`-token prompt in prefill; weights `V·h / tp` plus the replicated
  /// norm; activations: each tensor-parallel rank
  /// reads its replica's hidden states whole and writes fp32 logits over its vocabulary shard.
  init(
    headParameters: Double, finalNormParameters: Double, compute: ComputeCost, setting s: Setting
  ) {
    let devices = s.tp * s.dp
    let positionsPerToken = s.mode == .prefill ? 1 / (s.context - s.cachedPrefix) : 1
    let shardBytes =
      s.weightBytesPerParameter
      * (s.sharding.tensorParallel(headParameters) + finalNormParameters)
    self.init(
      flopsPerStepToken: s.passes * compute.forwardHeadFLOPsPerToken * positionsPerToken
        / devices,
      weightBytes: s.passes * shardBytes,
      activationBytesPerStepToken: s.passes * positionsPerToken
        * (s.hiddenSize * s.activationBytes + 4 * s.vocabSize / s.tp) / s.dp,
      gradientBytes: s.gradientRingFactor * shardBytes)
  }
}
