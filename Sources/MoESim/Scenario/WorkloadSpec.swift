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
}

/// One domain of the mixture: its own vocabulary ranking and hidden-state offset.
public struct DomainSpec: Sendable, Equatable, Encodable {
  public var name: String
  /// Relative weight (need not sum to 1 across domains).
  public var weight: Double
}
