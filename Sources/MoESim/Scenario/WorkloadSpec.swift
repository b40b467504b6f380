/// The synthetic token stream: what tokens arrive, from which domains, and how their hidden
/// states look to the router.
public struct WorkloadSpec: Sendable, Equatable, Encodable {
  /// Tokens routed per step (the global batch, `T`).
  public var tokensPerStep: Int
  /// Number of steps simulated.
  public var steps: Int
  /// Tokens per sequence; every sequence comes from one domain (the last may be shorter).
  public var sequenceLength: Int
  /// Distinct token types, sampled with Zipf's law.
  public var vocabSize: Int
  /// Zipf exponent `s`: the token of rank r has probability ∝ r^(-s).
  public var zipfExponent: Double
  /// The mixture of domains the sequences are drawn from.
  public var domains: [DomainSpec]
  /// Width `d` of the hidden state the router sees.
  public var routerDim: Int
  /// Scale of the per-token Gaussian context noise added to the hidden state.
  public var noise: Double
  /// Scale of each domain's offset of the hidden state.
  public var domainOffsetScale: Double
  /// Scale `σ_c` of each sequence's context state, which consecutive tokens of the sequence
  /// share (temporal locality); 0 = none.
  public var contextScale: Double = 0
  /// Correlation `ρ` of the context state between consecutive tokens of a sequence (an AR(1)
  /// process, `c_t = ρ·c_{t−1} + √(1−ρ²)·σ_c·ε_t`); 1 holds it for the whole sequence.
  public var contextCorrelation: Double = 0.9
  /// MoE layers `R` over which the context grows in: the MoE layer of ordinal `ℓ` (0 = the
  /// first) routes `min(1, ℓ/R)` of it, so the first routes by token and domain alone, as
  /// Mixtral's first layer nearly does (Jiang et al. 2024, arXiv:2401.04088, §5, Table 5);
  /// 0 = the whole context at every layer.
  public var contextRampLayers: Int = 0
  /// Share `a` of a token's per-token noise carried from one MoE layer to the next (a residual
  /// stream: `z_{l+1} = a·z_l + √(1−a²)·ε_{l+1}`); 1 routes the same hidden state at every layer.
  public var layerPersistence: Double = 1
  /// Whether the hidden state a token routes changes from one MoE layer to the next: its noise
  /// evolves, or its context ramps in.
  public var evolvesAcrossLayers: Bool {
    (layerPersistence < 1 && noise > 0) || (contextScale > 0 && contextRampLayers > 0)
  }
  /// Drift: the domain mixture at given steps, interpolated linearly between them (and held
  /// before the first and after the last); empty means `domains`' weights throughout.
  public var domainSchedule: [DomainSchedulePoint] = []
  /// Where the routing comes from: the synthetic router, or a recorded trace.
  public var kind: WorkloadKind = .synthetic
  /// The recorded routing CSV when `kind` is `trace`, resolved against the scenario's folder.
  public var trace: String? = nil
  /// The format of `trace`; nil tells it from the file's name (`TraceFormat.detect`).
  public var format: TraceFormat? = nil
}

/// The source of each step's routing.
public enum WorkloadKind: String, Sendable, CaseIterable, Encodable {
  /// Synthetic tokens routed by `router.kind`.
  case synthetic
  /// Recorded decisions or logits (`RoutingTrace`).
  case trace
}

/// The domain weights from one step of a drift schedule on.
public struct DomainSchedulePoint: Sendable, Equatable, Encodable {
  public var step: Int
  /// Weight per domain name; domains not named weigh 0.
  public var weights: [String: Double]

  /// The mixture at `step` of `schedule` (sorted by step), as weights in `domains` order.
  public static func weights(at step: Int, schedule: [DomainSchedulePoint], domains: [DomainSpec])
    -> [Double]
  {
    let weightsOf = { (point: DomainSchedulePoint) in domains.map { point.weights[$0.name] ?? 0 } }
    guard let first = schedule.first, let last = schedule.last else { return domains.map(\.weight) }
    if step <= first.step { return weightsOf(first) }
    if step >= last.step { return weightsOf(last) }
    let next = schedule.firstIndex { $0.step > step } ?? schedule.count - 1
    let before = schedule[next - 1]
    let after = schedule[next]
    let t = Double(step - before.step) / Double(after.step - before.step)
    return zip(weightsOf(before), weightsOf(after)).map { $0 + t * ($1 - $0) }
  }
}

/// One domain of the mixture: its own vocabulary ranking and hidden-state offset.
public struct DomainSpec: Sendable, Equatable, Encodable {
  public var name: String
  /// Relative weight (need not sum to 1 across domains).
  public var weight: Double
}
