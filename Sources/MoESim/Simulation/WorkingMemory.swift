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
      (workload.contextScale > 0 ? 1.0 : 0) + (workload.layerPersistence < 1 ? 2.0 : 0)
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
  }
}
