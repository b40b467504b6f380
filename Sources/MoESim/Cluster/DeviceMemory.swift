/// Memory of one device, by kind, for every pipeline stage of a parallel layout.
///
/// Weights are sharded by `WeightSharding` (the rule the time model reads too): attention, dense
/// FFN, shared experts, embedding and output head split over `tp`, norms and routers replicated,
/// `ceil((E + redundant_slots) / ep)` expert slots per device, each expert split over
/// `expert_tp`; blocks are split over `pp` contiguous stages (the first `L mod pp` stages take one
/// more), the first stage holding the embedding and the last the final norm, the head (a tied
/// head keeps a copy of the embedding there when `pp > 1`) and, in training, the MTP modules.
///
/// Inference: weights + KV cache (`min(context, w)` tokens in a block of sliding window `w`,
/// `context` otherwise) + an activation workspace (one block's activations for the
/// whole `batch × context` prefill at once, an upper bound, or for `memory.prefill_chunk_tokens`
/// tokens under chunked prefill, plus fp32 logits of the last position). Training (Adam, mixed
/// precision): weights, gradients (in the weights' format) and optimizer states (fp32 momentum
/// and variance, plus an fp32 master copy unless the weights are fp32), i.e. 2 + 2 + 12 bytes per parameter for bf16 (Rajbhandari et al. 2020, "ZeRO", sec. 3.1,
/// K = 12); ZeRO stage 1, 2, 3 divides the optimizer states, then the gradients, then the
/// weights by the data-parallel degree (sec. 5.1–5.3) — `dp` for non-expert parameters, the
/// expert-data-parallel degree `tp·dp / (ep·expert_tp)` for experts. Activations follow
/// `ActivationMemory`, split over `tp` (sequence parallelism, Korthikanti et al. 2022, sec. 4.2.2)
/// and held for `pp − stage` micro-batches in flight under the 1F1B schedule (sec. 4.2.3: the
/// first stage holds `pp`); full recomputation keeps only each block's input plus one block's
/// activations while it is recomputed (sec. 4.3).
public struct DeviceMemory: Sendable, Equatable {
  /// One kind of memory on one device of a stage.
  public enum Kind: String, Sendable, CaseIterable {
    case weights, gradients
    case optimizerStates = "optimizer_states"
    case kvCache = "kv_cache"
    case activations
  }

  /// The memory of one device of one pipeline stage.
  public struct Stage: Sendable, Equatable {
    public var index: Int
    /// Blocks `firstBlock..<endBlock` live on this stage.
    public var firstBlock: Int
    public var endBlock: Int
    /// Parameters stored on one device of the stage, before ZeRO sharding.
    public var parameters: Double
    /// The same by component, named as in `ParameterCount` (absent: none on this stage).
    public var componentParameters: [String: Double]
    /// Bytes of those weights by component: routed experts (the MTP modules' too) at
    /// `precision.expert_weights`, the rest at `precision.weights`.
    public var componentWeightBytes: [String: Double]
    public var bytes: [Kind: Double]
    public var totalBytes: Double { Kind.allCases.map { bytes[$0] ?? 0 }.reduce(0, +) }
  }

  public var layout: ParallelLayout
  public var stages: [Stage]
  public var capacityBytes: Double

  /// The stage whose devices need the most memory (the first such stage on ties).
  public var worst: Stage {
    stages.dropFirst().reduce(stages[0]) { $1.totalBytes > $0.totalBytes ? $1 : $0 }
  }
  /// Whether every device fits in its memory.
  public var fits: Bool { worst.totalBytes <= capacityBytes }

  public init(scenario: Scenario, layout: ParallelLayout? = nil) {
    self.init(
      model: scenario.model, parts: ParameterBreakdown(model: scenario.model),
      precision: scenario.precision, memory: scenario.memory,
      sharding: WeightSharding(scenario: scenario, layout: layout),
      capacityBytes: scenario.cluster.usableMemoryBytes)
  }

  // swift-format-ignore: FunctionParameterCount
  init(
    model: ModelSpec, parts: ParameterBreakdown, census: BlockCensus? = nil,
    precision: PrecisionSpec, memory: MemorySpec, sharding: WeightSharding, capacityBytes: Double
  ) {
    let layout = sharding.layout
    let census = census ?? BlockCensus(parts.blocks)
    self.layout = layout
    self.capacityBytes = capacityBytes
    let stageCount = Self.stageCount(layout: layout, blocks: parts.blocks.count)
    stages = (0..<stageCount).map { index in
      Self.stage(
        index, of: stageCount, model: model, parts: parts, census: census,
        precision: precision, memory: memory, sharding: sharding)
    }
  }

  /// Pipeline stages of `layout` over `blocks` blocks: `pp`, at most one per block.
  static func stageCount(layout: ParallelLayout, blocks: Int) -> Int {
    PipelineStages(pp: layout.pp, blocks: blocks).count
  }

  /// Stage `index` of `stageCount` on its own (the first `blocks mod stageCount` stages take one
  /// block more), in time independent of the number of blocks.
  // swift-format-ignore: FunctionParameterCount
  static func stage(
    _ index: Int, of stageCount: Int, model: ModelSpec, parts: ParameterBreakdown,
    census: BlockCensus, precision: PrecisionSpec, memory: MemorySpec, sharding: WeightSharding
  ) -> Stage {
    let range = PipelineStages(pp: stageCount, blocks: parts.blocks.count).blocks(ofStage: index)
    return stage(
      index: index, blocks: census.counts(in: range), range: range, stageCount: stageCount,
      model: model, parts: parts, precision: precision, memory: memory, sharding: sharding)
  }

  // swift-format-ignore: FunctionParameterCount
  /// One stage holding `blocks` (each kind with its count), the blocks `range` of the model.
  // swift-format-ignore: FunctionParameterCount
  static func stage(
    index: Int, blocks stageBlocks: [(block: BlockParameters, count: Int)], range: Range<Int>,
    stageCount: Int, model: ModelSpec, parts: ParameterBreakdown, precision: PrecisionSpec,
    memory: MemorySpec, sharding: WeightSharding
  ) -> Stage {
    let layout = sharding.layout
    let tp = Double(layout.tp)
    let training = memory.mode == .training
    let isFirst = index == 0
    let isLast = index == stageCount - 1
    // In training the last stage holds the MTP modules' blocks too.
    var blocks = stageBlocks.map { (block: $0.block, count: $0.count, isMTP: false) }
    if training && isLast {
      blocks += BlockCensus(parts.mtpBlocks).counts(in: 0..<parts.mtpBlocks.count).map {
        (block: $0.block, count: $0.count, isMTP: true)
      }
    }

    // Parameters per device by component (the names of `ParameterCount`), and split into the
    // non-expert and expert data-parallel groups: each kind of block times its count.
    var components: [String: Double] = [:]
    var componentBytes: [String: Double] = [:]
    var experts = 0.0
    for (block, count, isMTP) in blocks {
      let copies = Double(count)
      func add(_ name: String, _ parameters: Double) {
        let format = name == "routed_experts" ? precision.expertWeightBytes : precision.weightBytes
        components[isMTP ? "mtp" : name, default: 0] += copies * parameters
        componentBytes[isMTP ? "mtp" : name, default: 0] += copies * parameters * format
      }
      add("attention", sharding.tensorParallel(block.attention))
      add("dense_ffn", sharding.tensorParallel(block.denseFFN))
      add("shared_experts", sharding.tensorParallel(block.sharedExperts))
      add("norms", block.norms)
      add("router", block.router)
      let expertParameters = sharding.routedExpertParameters(block)
      add("routed_experts", expertParameters)
      experts += copies * expertParameters
    }
    func addDense(_ name: String, _ parameters: Double) {
      components[name, default: 0] += parameters
      componentBytes[name, default: 0] += parameters * precision.weightBytes
    }
    if isFirst { addDense("embedding", sharding.tensorParallel(parts.embedding)) }
    if isLast {
      addDense("norms", parts.finalNorm)
      if model.tiedEmbeddings && !isFirst {
        addDense("embedding", sharding.tensorParallel(parts.embedding))
      } else {
        addDense("output_head", sharding.tensorParallel(parts.head))
      }
      if training && !parts.mtpBlocks.isEmpty {
        let modules = Double(parts.mtpBlocks.count)
        addDense(
          "mtp",
          modules
            * (parts.mtpNormsPerModule + sharding.tensorParallel(parts.mtpProjectionPerModule)))
      }
    }
    // Summed in a fixed order, so results do not depend on dictionary order.
    let stored = components.keys.sorted().map { components[$0] ?? 0 }.reduce(0, +)
    let dense = stored - experts

    var bytes: [Kind: Double] = [:]
    // Routed experts in their own format, everything else in the weights'.
    let weightBytes = (dense: precision.weightBytes, experts: precision.expertWeightBytes)
    if training {
      let zero = memory.zeroStage
      let denseDP = Double(layout.dp)
      let expertDP = Double(layout.expertDP)
      func sharded(_ perParameter: (dense: Double, experts: Double), from stage: Int) -> Double {
        zero >= stage
          ? perParameter.dense * dense / denseDP + perParameter.experts * experts / expertDP
          : perParameter.dense * dense + perParameter.experts * experts
      }
      func master(_ format: NumberFormat) -> Double { format == .fp32 ? 8 : 12 }
      bytes[.weights] = sharded(weightBytes, from: 3)
      bytes[.gradients] = sharded(weightBytes, from: 2)
      bytes[.optimizerStates] = sharded(
        (master(precision.weights), master(precision.expertWeights)), from: 1)
    } else {
      bytes[.weights] = weightBytes.dense * dense + weightBytes.experts * experts
      // A sliding-window block caches only its window's last tokens.
      let cachedTokens = blocks.map { block, count, _ in
        Double(count) * Double(min(memory.context, block.attentionWindow ?? memory.context))
      }.reduce(0, +)
      bytes[.kvCache] =
        Double(memory.batch) * cachedTokens * precision.kvCacheBytes
        * kvScalarsPerDevice(model.attention, tp: layout.tp)
    }
    bytes[.activations] = activationBytes(
      model: model, blocks: blocks.map { ($0.block, $0.count) }, stage: index,
      stageCount: stageCount, isLast: isLast,
      precision: precision, memory: memory, tp: tp)
    return Stage(
      index: index, firstBlock: range.lowerBound, endBlock: range.upperBound,
      parameters: dense + experts, componentParameters: components,
      componentWeightBytes: componentBytes, bytes: bytes)
  }

  /// KV-cache scalars per token per block on one device: GQA/MHA split their KV heads over `tp`
  /// (a head is replicated when `tp` exceeds the KV heads); MLA's latent is shared by all heads
  /// and so is held whole by every tensor-parallel rank.
  static func kvScalarsPerDevice(_ attention: AttentionSpec, tp: Int) -> Double {
    guard attention.mla == nil else { return Double(attention.kvCacheScalarsPerToken) }
    let headsPerDevice = (attention.kvHeads + tp - 1) / tp
    return Double(2 * headsPerDevice * attention.headDim)
  }

  /// A lower bound on the activation bytes of the fullest device at any pipeline depth, with
  /// tensor parallelism `tp`: in inference some stage holds the block with the largest
  /// workspace; in training the first stage keeps its blocks' activations for `stages`
  /// micro-batches (1F1B), `stages × its blocks ≥ layers` of them, each at least the smallest
  /// block's (with full recomputation: at least every block's input, plus one block).
  static func activationFloor(
    model: ModelSpec, census: BlockCensus, precision: PrecisionSpec, memory: MemorySpec,
    tp: Double
  ) -> Double {
    let training = memory.mode == .training
    let each = census.kinds.map { block in
      activationBytes(
        model: model, blocks: [(block, training ? census.blockCount : 1)], stage: 0,
        stageCount: 1, isLast: false, precision: precision, memory: memory, tp: tp)
    }
    return (training ? each.min() : each.max()) ?? 0
  }

  // swift-format-ignore: FunctionParameterCount
  static func activationBytes(
    model: ModelSpec, blocks: [(block: BlockParameters, count: Int)], stage: Int,
    stageCount: Int, isLast: Bool, precision: PrecisionSpec, memory: MemorySpec, tp: Double
  ) -> Double {
    let tokens = memory.activationTokens
    let element = precision.activationBytes
    let perBlock = blocks.map {
      (ActivationMemory.scalarsPerToken(model, block: $0.block) * element
        + ActivationMemory.routerLogitBytes(block: $0.block)) * tokens / tp
    }
    let largest = perBlock.max() ?? 0
    let blockCount = Double(blocks.map(\.count).reduce(0, +))
    // fp32 logits over the vocabulary shard: every position in training (for the loss), only the
    // last position of each sequence in inference.
    let logitPositions = memory.mode == .training ? tokens : min(tokens, Double(memory.batch))
    let logits = isLast ? 4 * logitPositions * Double(model.vocabSize) / tp : 0
    guard memory.mode == .training else { return largest + logits }
    let inFlight = Double(stageCount - stage)
    let kept: Double
    switch memory.recompute {
    case .none:
      kept = zip(perBlock, blocks).map { $0 * Double($1.count) }.reduce(0, +) * inFlight
    case .full:
      let inputs = blockCount * tokens * Double(model.hiddenSize) * element / tp
      kept = inputs * inFlight + largest
    }
    return kept + logits
  }
}
