/// Temporal locality and cross-layer evolution of the synthetic hidden states.
///
/// **Context (temporal locality).** Each sequence carries a context state that its consecutive
/// tokens share: a stationary AR(1) process per sequence,
/// `c_0 = σ_c·ε_0`, `c_t = ρ·c_{t−1} + √(1−ρ²)·σ_c·ε_t` with `ε_t ~ N(0, I)`, so that
/// `corr(c_t, c_{t+n}) = ρⁿ` and every token's context has variance `σ_c²` per coordinate
/// (`workload.context_scale` σ_c, `workload.context_correlation` ρ). It stands for what the
/// tokens of a passage have in common beyond their domain: topic, style, the entity being
/// discussed. Each sequence of each step draws from its own stream, so the result does not
/// depend on how the step is split into blocks.
///
/// **Context by depth.** With `workload.context_ramp_layers` R > 0, the MoE layer of ordinal ℓ
/// (0 = the first) routes `min(1, ℓ/R)·c_t`: the first routes by token and domain alone and the
/// context grows in over R layers, as a residual stream gathers what attention has read from the
/// passage. It is the depth profile of Mixtral's consecutive-token repeat rate (Jiang et al.
/// 2024, arXiv:2401.04088, §5, Table 5: 13.6–14.9 % at layer 0, random 12.5 %, against
/// 23.6–28.4 % at layer 15).
///
/// **Residual stream (cross-layer affinity).** A token's noise `z` is N(0, I) at the first MoE
/// layer and evolves from one MoE layer to the next as
/// `z_{l+1} = a·z_l + √(1−a²)·ε_{l+1}` (`workload.layer_persistence` a), so consecutive layers
/// route correlated hidden states and the per-token variance stays `noise²`. With `a = 1` every
/// layer routes the same hidden state. Each (step, block, layer) draws from its own stream.
extension SyntheticTokenSource {
  /// Whether the hidden state changes from one MoE layer to the next.
  public var evolvesAcrossLayers: Bool { spec.evolvesAcrossLayers }

  /// Whether sequences carry a context state.
  public var hasContext: Bool { spec.contextScale > 0 }

  /// The share of the context state the MoE layer of ordinal `ordinal` routes:
  /// `min(1, ordinal / R)`, 1 at every layer when R = 0.
  public func contextShare(ordinal: Int) -> Float {
    let ramp = spec.contextRampLayers
    return ramp == 0 ? 1 : Float(min(ordinal, ramp)) / Float(ramp)
  }

  /// Draws the context state of every token of `step` into `context` (`tokens × d`).
  public func drawContext(step: Int, into context: UnsafeMutablePointer<Float>) {
    let dim = spec.routerDim
    let tokens = spec.tokensPerStep
    let scale = Float(spec.contextScale)
    let rho = Float(spec.contextCorrelation)
    let innovation = Float((1 - spec.contextCorrelation * spec.contextCorrelation).squareRoot())
    for sequence in 0..<sequencesPerStep {
      var generator = RandomStream.make(seed: seed, .sequenceContext, step, sequence)
      let first = sequence * spec.sequenceLength
      let end = min(tokens, first + spec.sequenceLength)
      let start = UnsafeMutableBufferPointer(start: context + first * dim, count: dim)
      NormalSampler.fill(start, scale: scale, using: &generator)
      for token in (first + 1)..<max(first + 1, end) {
        let row = UnsafeMutableBufferPointer(start: context + token * dim, count: dim)
        NormalSampler.fill(row, scale: innovation * scale, using: &generator)
        let previous = context + (token - 1) * dim
        for j in 0..<dim { row[j] += rho * previous[j] }
      }
    }
  }

  /// Moves `count` tokens of one block to MoE layer `ordinal` (> 0): evolves their noise `z` in
  /// place and writes the hidden state `base + noise·z` the layer routes into `hidden`, plus,
  /// when the context ramps in over depth, the layer's share of the block's `context` rows
  /// (`base` holds the first MoE layer's share, which is then 0).
  public func evolve(
    step: Int, block: Int, ordinal: Int, count: Int, base: UnsafePointer<Float>,
    context: UnsafePointer<Float>? = nil, noise: UnsafeMutablePointer<Float>,
    hidden: UnsafeMutablePointer<Float>
  ) {
    let dim = spec.routerDim
    let persistence = Float(spec.layerPersistence)
    let fresh = Float((1 - spec.layerPersistence * spec.layerPersistence).squareRoot())
    let noiseScale = Float(spec.noise)
    var generator = RandomStream.make(seed: seed, .layerNoise, step, block, ordinal)
    let all = UnsafeMutableBufferPointer(start: hidden, count: count * dim)
    NormalSampler.fill(all, scale: fresh, using: &generator)
    for index in 0..<count * dim {
      let z = persistence * noise[index] + all[index]
      noise[index] = z
      all[index] = noiseScale * z + base[index]
    }
    guard spec.contextRampLayers > 0, let context else { return }
    let share = contextShare(ordinal: ordinal)
    for index in 0..<count * dim { all[index] += share * context[index] }
  }
}
