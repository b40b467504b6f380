import MoESimKernels

/// The memory a run holds at once, estimated from the scenario before anything is allocated, so
/// that a valid scenario too large for the machine is refused with a message instead of dying
/// in the allocator. The terms follow the buffers of `Simulation`, `SyntheticTokenSource` and
/// `RouterWeights` (4-byte floats and token ids, 8-byte selections); the largest decides which
/// key the message names.
public struct WorkingMemory: Sendable, Equatable {
  /// One buffer family: what it is, the key that scales it most, and its size.
  public struct Term: Sendable, Equatable {
    public var name: String
    /// Dotted key path named in the error, e.g. `workload.tokens_per_step`, and its value.
    public var path: String
    public var value: Int
    public var bytes: Double
  }

  public var terms: [Term]
  public var bytes: Double { terms.map(\.bytes).reduce(0, +) }
  public var largest: Term? { terms.max { $0.bytes < $1.bytes } }

  /// The working memory of `scenario` run on `threads` workers.
  public init(scenario: Scenario, threads: Int) {
    let workload = scenario.workload
    let tokens = Double(workload.tokensPerStep)
    let dim = Double(workload.routerDim)
    let vocab = Double(workload.vocabSize)
    let workers = Double(max(1, threads))
    terms = [
      Term(
        name: "token embeddings (workload.vocab_size × router_dim × 4 bytes)",
        path: "workload.vocab_size", value: workload.vocabSize, bytes: vocab * dim * 4),
      Term(
        name: "domain vocabularies (domains × workload.vocab_size × 4 bytes; value: domains)",
        path: "workload.domains", value: workload.domains.count,
        bytes: Double(workload.domains.count) * vocab * 4),
      Term(
        name: "hidden states (tokens_per_step × router_dim × 4 bytes)",
        path: "workload.tokens_per_step", value: workload.tokensPerStep, bytes: tokens * dim * 4),
    ]
    // Context states, and the noise-free part and noise of a hidden state that evolves.
    let localityCopies =
      (workload.contextScale > 0 ? 1.0 : 0) + (workload.evolvesAcrossLayers ? 2.0 : 0)
    if localityCopies > 0 {
      terms.append(
        Term(
          name: "locality states (tokens_per_step × router_dim × 4 bytes, up to 3 copies)",
          path: "workload.tokens_per_step", value: workload.tokensPerStep,
          bytes: localityCopies * tokens * dim * 4))
    }
    guard let moe = scenario.model.moe else { return }
    let lanes = Double(LogitsKernel.lanes)
    let paddedExperts = (Double(moe.experts) / lanes).rounded(.up) * lanes
    let layers = Double(scenario.model.moeLayerIndices.count)
    let assignments = tokens * Double(moe.topK)
    terms += [
      Term(
        name: "router weights (MoE layers × router_dim × experts × 4 bytes)",
        path: "model.moe.experts", value: moe.experts, bytes: layers * (dim + 1) * paddedExperts * 4
      ),
      // Selections and gates of at least one layer, plus each worker's capacity scratch.
      Term(
        name: "routing assignments (tokens_per_step × top_k × (8 + 5 per thread) bytes)",
        path: "model.moe.top_k", value: moe.topK, bytes: assignments * (8 + 5 * workers)),
      Term(
        name: "logits (threads × 256 tokens × experts × 4 bytes)",
        path: "model.moe.experts", value: moe.experts, bytes: workers * 256 * paddedExperts * 4),
    ]
    terms += Self.layerStageTerms(scenario: scenario, moe: moe, threads: threads)
    if scenario.router.auxLossCoefficient > 0 && scenario.routedWarmupSteps > 0 {
      // `AuxLossTraining`'s fixed-point gradient sums, at most every layer held at once.
      terms.append(
        Term(
          name: "aux-loss training gradients (threads × MoE layers × router_dim × experts × 8"
            + " bytes)",
          path: "model.moe.experts", value: moe.experts,
          bytes: workers * layers * dim * Double(moe.experts) * 8))
    }
  }
}

extension WorkingMemory {
  /// MoE layers whose selections (and distributions) a step holds at once: as many as fit in
  /// `Simulation.selectionBudgetBytes`, at least one. Computed in `Double`, so that a layer
  /// larger than `Int` can count is sized rather than trapped.
  /// - Parameters:
  ///   - slots: selection slots per token (`top_k`; 0 for expert choice).
  ///   - scoresPerLayerBytes: `tokens × experts × 4` when the layer stage needs every token's
  ///     distribution, else 0.
  static func layersHeldAtOnce(
    moeLayers: Int, tokens: Int, slots: Int, scoresPerLayerBytes: Double
  ) -> Double {
    let perLayer = max(1, Double(tokens) * Double(slots) * 8 + scoresPerLayerBytes)
    let fitting = (Double(Simulation.selectionBudgetBytes) / perLayer).rounded(.down)
    return max(1, min(Double(moeLayers), fitting))
  }

  /// The buffers only some router settings allocate (`Simulation.run` and `LayerStepScratch`):
  /// - every token's router distribution, `layers held × tokens_per_step × experts × 4` bytes,
  ///   for `sequence_aux_loss`, `expert_choice` and `aux_bias_coeff > 0` (each reads the full
  ///   distribution in the layer stage);
  /// - for `expert_choice`, the picks (`layers held × experts × C × (4 + 4)` bytes, C the tokens
  ///   an expert takes) and each worker's selection scratch (`tokens_per_step × 16` bytes).
  /// Empty for a scenario that uses none of them.
  static func layerStageTerms(scenario: Scenario, moe: MoESpec, threads: Int) -> [Term] {
    let router = scenario.router
    let tokens = scenario.workload.tokensPerStep
    let expertChoice = router.kind == .expertChoice
    let needsScores = expertChoice || router.sequenceAuxLoss || router.auxBiasCoefficient > 0
    guard needsScores else { return [] }
    let scoresPerLayer = Double(tokens) * Double(moe.experts) * 4
    let held = layersHeldAtOnce(
      moeLayers: scenario.model.moeLayerIndices.count, tokens: tokens,
      slots: expertChoice ? 0 : moe.topK, scoresPerLayerBytes: scoresPerLayer)
    let users = [
      expertChoice ? "expert_choice" : nil, router.sequenceAuxLoss ? "sequence_aux_loss" : nil,
      router.auxBiasCoefficient > 0 ? "aux_bias_coeff" : nil,
    ].compactMap { $0 }.joined(separator: ", ")
    var terms = [
      Term(
        name: "router distributions for \(users) (layers held × tokens_per_step × experts × 4"
          + " bytes)",
        path: "workload.tokens_per_step", value: tokens, bytes: held * scoresPerLayer)
    ]
    guard expertChoice else { return terms }
    // C = min(tokens, ⌈tokens · top_k / experts · capacity_factor⌉), `ExpertChoice.capacity`.
    let perExpert =
      (Double(tokens) * Double(moe.topK) / Double(moe.experts)
      * (router.capacityFactor ?? 1)).rounded(.up)
    let chosenPerExpert = min(Double(tokens), perExpert)
    terms += [
      Term(
        name: "expert-choice picks (layers held × experts × tokens per expert × 8 bytes)",
        path: "workload.tokens_per_step", value: tokens,
        bytes: held * Double(moe.experts) * chosenPerExpert * 8),
      Term(
        name: "expert-choice scratch (threads × tokens_per_step × 16 bytes)",
        path: "workload.tokens_per_step", value: tokens,
        bytes: Double(max(1, threads)) * Double(tokens) * 16),
    ]
    return terms
  }

  /// What `RoutingTrace.load` holds while it replays a trace of `fileBytes` bytes: the file's
  /// text and its line table (32 bytes a line), then the routing it decodes. A logits trace keeps
  /// `steps × MoE layers × tokens × experts` 4-byte logits and a seen flag per token; a
  /// decisions trace gathers each row (24 bytes) before laying it out in `steps × MoE layers ×
  /// tokens × slots` selections and gates (8 bytes), with slots at least `top_k` (the fullest
  /// token decides) and two 4-byte counts per token.
  /// - Parameter logits: whether the trace's header is the logits layout.
  public static func traceReplay(scenario: Scenario, logits: Bool, fileBytes: Double) -> [Term] {
    guard let moe = scenario.model.moe else { return [] }
    let workload = scenario.workload
    let tokenSlots =
      Double(workload.steps) * Double(scenario.model.moeLayerIndices.count)
      * Double(workload.tokensPerStep)
    let lines = logits ? tokenSlots : tokenSlots * Double(moe.topK)
    let decoded =
      logits
      ? tokenSlots * (Double(moe.experts) * 4 + 1)
      : lines * 24 + tokenSlots * Double(moe.topK) * 8 + tokenSlots * 8
    return [
      Term(
        name: "trace text and line table (file bytes + lines × 32 bytes)",
        path: "workload.steps", value: workload.steps,
        bytes: fileBytes + lines * 32),
      Term(
        name: "replayed trace (steps × MoE layers × tokens_per_step × "
          + (logits ? "experts × 4 bytes)" : "top_k × 32 bytes)"),
        path: "workload.steps", value: workload.steps, bytes: decoded),
    ]
  }
}
