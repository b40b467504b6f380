import Foundation

/// Limits that keep the simulation's arithmetic exact and finite for every valid scenario.
///
/// Each key is range-checked on its own while it is read; these checks span several keys or
/// follow from how the simulator computes: run counters are 64-bit integers, routing runs in
/// 32-bit floats (whose largest value is about 3.4e38), and attention widths are products of
/// two user sizes.
public enum ArithmeticLimits {
  /// Router temperature: logits are divided by it in 32-bit floats.
  public static let temperature = 1e-6...1e6
  /// Largest Gaussian scale (bias spread, workload noise, domain offset, `noisy_topk`'s
  /// `noise_std`) turned into a 32-bit float multiplier; beyond it logits overflow to infinity
  /// and probabilities become NaN. The ziggurat sampler's draws stay below 15 in magnitude (its
  /// tail start 3.65 plus −ln(2⁻⁵³)/3.65 ≈ 10), so a scale of 1e6 adds at most 1.5e7 to a logit.
  public static let gaussianScale = 1e6
  /// Largest `routed_scaling_factor`. Gates are computed as `p_i · (f / S)` in 32-bit floats,
  /// where S is the selected probability mass; for softmax routers S ≥ k/E ≥ 1/65 536 (the k
  /// largest of E probabilities summing to 1 hold at least k/E of it), so `f / S` ≤ f · 65 536,
  /// which stays finite (≤ 3.4e38) for f ≤ 5e33. 1e6 (6.6e10 at worst) keeps 27 orders of
  /// magnitude of headroom; published values are 1 to 16 (DeepSeek-V3 config.json: 2.5;
  /// DeepSeek-V2: 16). A factor of 3e38 made every gate infinite and steps.csv `nan`.
  public static let gateScale = 1e6
  /// Largest `aux_bias_coeff`. Each step moves a layer's logit correction by `coeff · ∂L/∂b`,
  /// and `|∂L/∂b_i| = E/T · |Σ_t p_ti (f_i − Σ_j f_j p_tj)| ≤ E`; over a run of at most 2⁶³ steps
  /// (the run counters' bound) with E ≤ 65 536 the correction stays below
  /// 1e6 · 65 536 · 9.2e18 ≈ 6e29, finite in 32-bit floats (3.4e38) and far from overflowing when
  /// logits are subtracted. 1e50 made the correction infinite and the run trap on NaN counts.
  public static let auxBiasCoefficient = 1e6
  /// Largest `bias_update_rate` γ. Each step moves a selection bias by at most γ, so over a run
  /// of at most 2⁶³ steps (the run counters' bound) it stays below 1e6 · 9.2e18 ≈ 9e24, finite in
  /// 32-bit floats (3.4e38); published rates are 1e-3 (DeepSeek-V3 technical report,
  /// arXiv:2412.19437, sec. 4.2: γ = 0.001). A rate of 1e308 is infinite as a 32-bit float and
  /// made the bias columns of steps.csv `inf`.
  public static let biasUpdateRate = 1e6
  /// Largest device memory, in GiB (`cluster.device_memory_gib`, `cluster.device.memory_gb` and
  /// `usable_memory_gib`): 2⁴⁰ GiB, a billion times today's largest device, so that bytes
  /// (× 2³⁰) stay finite. 1.5e308 GiB made `capacity_gib` in memory.csv `inf`.
  public static let deviceMemoryGiB = 0x1p40
  /// Largest `compute.training_tokens`: FLOPs are tokens × FLOPs per token, which stays finite
  /// for any accountable model (at most 2⁵³ parameters, widths and contexts at most 2⁴⁰) below
  /// 1e30 tokens, 10¹⁷ times the 14.8e12 of DeepSeek-V3 (arXiv:2412.19437, sec. 4.1). 1.8e308
  /// made compute.csv's training FLOPs `inf`.
  public static let trainingTokens = 1e30
  /// Largest capacity factor: `tokens × top_k / experts × factor` must fit in `Int`, and a factor
  /// of `experts / top_k` already gives every expert room for every token.
  public static let capacityFactor = 1e6
  /// Largest parameter count of a model: counts are `Double`s, exact up to 2⁵³ ≈ 9.0e15
  /// (about 5,000 times the largest published model); beyond it they would print as rounded
  /// floats.
  public static let parameters = 0x1p53
  /// Range of a device's rates (`cluster.device`'s TFLOP/s, TOP/s and GB/s fields): a step's
  /// time is its work over rate × efficiency, and work is at most about 5e35 FLOPs or 1.3e21
  /// bytes (2⁵³ parameters × 2⁶³ tokens; 2⁴⁰ GiB), so with rates ≥ 1e-6 (a millionth of a
  /// TFLOP/s or GB/s) and efficiencies ≥ `efficiency.lowerBound` a time stays below 1e36 s,
  /// finite; rates ≤ 1e12 (a million times a B200) keep tokens per second finite. A device of
  /// 5e-324 TFLOP/s made step_time_s `inf`.
  public static let deviceRate = 1e-6...1e12
  /// Range of `cluster.cost.compute_efficiency` and `bandwidth_efficiency`: see `deviceRate`.
  public static let efficiency = 1e-6...1.0
  /// Largest `cluster.device.link_latency_us`, a thousand seconds: a step sends at most 2⁶³
  /// messages, so its latency stays below 1e13 s.
  public static let linkLatencyMicroseconds = 1e9
}

extension Scenario {
  /// Checks the cross-key limits of `ArithmeticLimits` and that every run counter fits in `Int`.
  /// - Parameter file: names the scenario in errors.
  func checkArithmeticLimits(file: String) throws {
    func refuse(_ path: String, _ value: String, _ allowed: String) -> ScenarioError {
      ScenarioError(file: file, path: path, kind: .outOfRange(value: value, allowed: allowed))
    }
    let limits = ArithmeticLimits.self
    if !limits.temperature.contains(router.temperature) {
      throw refuse(
        "router.temperature", JSONValue.render(router.temperature),
        "a number in 1e-06...1e+06 (logits are divided by it in 32-bit floats)")
    }
    var scales = [
      ("router.bias_spread", router.biasSpread), ("workload.noise", workload.noise),
      ("workload.domain_offset_scale", workload.domainOffsetScale),
      ("workload.context_scale", workload.contextScale),
    ]
    for (index, spread) in (router.biasSpreadByLayer ?? []).enumerated() {
      scales.append(("router.bias_spread_by_layer[\(index)]", spread))
    }
    if router.kind == .noisyTopK { scales.append(("router.noise_std", router.noiseStd)) }
    for (path, scale) in scales where scale > limits.gaussianScale {
      throw refuse(
        path, JSONValue.render(scale), "a number in 0...1e+06 (it scales 32-bit floats)")
    }
    if router.routedScalingFactor > limits.gateScale {
      throw refuse(
        "router.routed_scaling_factor", JSONValue.render(router.routedScalingFactor),
        "a number in (0, 1e+06] (gates are scaled in 32-bit floats)")
    }
    if router.auxBiasCoefficient > limits.auxBiasCoefficient {
      throw refuse(
        "router.aux_bias_coeff", JSONValue.render(router.auxBiasCoefficient),
        "a number in 0...1e+06 (the logit correction it scales accumulates in 32-bit floats)")
    }
    if router.auxLossCoefficient > limits.auxBiasCoefficient {
      throw refuse(
        "router.aux_loss_coeff", JSONValue.render(router.auxLossCoefficient),
        "a number in 0...1e+06 (the router weights it moves are 32-bit floats)")
    }
    if router.biasUpdateRate > limits.biasUpdateRate {
      throw refuse(
        "router.bias_update_rate", JSONValue.render(router.biasUpdateRate),
        "a number in 0...1e+06 (the selection bias it moves each step is a 32-bit float)")
    }
    if let device = cluster.device {
      for (key, value) in [
        ("memory_gb", device.memoryGB), ("usable_memory_gib", device.usableMemoryGiB),
      ] where value > limits.deviceMemoryGiB {
        throw refuse(
          "cluster.device.\(key)", JSONValue.render(value),
          "a number in (0, 2^40] (memory of one device)")
      }
    }
    if cluster.deviceMemoryGiB > limits.deviceMemoryGiB {
      throw refuse(
        "cluster.device_memory_gib", JSONValue.render(cluster.deviceMemoryGiB),
        "a number in (0, 2^40] (GiB of one device)")
    }
    if let tokens = compute.trainingTokens, tokens > limits.trainingTokens {
      throw refuse(
        "compute.training_tokens", JSONValue.render(tokens),
        "a number in 1...1e+30 (training FLOPs are tokens × FLOPs per token)")
    }
    if let factor = router.capacityFactor, factor > limits.capacityFactor {
      throw refuse(
        "router.capacity_factor", JSONValue.render(factor),
        "a number in (0, 1e+06], or null for dropless (a factor of experts / top_k already"
          + " never drops)")
    }
    let weightSum = workload.domains.map(\.weight).reduce(0, +)
    if !weightSum.isFinite {
      throw refuse(
        "workload.domains",
        workload.domains.map { JSONValue.render($0.weight) }.joined(
          separator: ", "),
        "weights whose sum is finite (at most 1.8e308)")
    }
    try checkAttentionWidth(file: file)
    try checkRunCounters(file: file)
    try checkParameterCount(file: file)
  }

  /// Every parameter count must be exact: the model's total (with extras such as MTP layers) is
  /// at most `ArithmeticLimits.parameters`.
  private func checkParameterCount(file: String) throws {
    let total = ParameterCount(model: model).totalWithExtras
    guard !(total <= ArithmeticLimits.parameters) else { return }
    throw ScenarioError(
      file: file, path: "model",
      kind: .outOfRange(
        value: String(format: "%.3g parameters", total),
        allowed: "a model of at most 2^53 ≈ 9.0e15 parameters (counts are exact up to 2^53);"
          + " reduce model.layers, model.hidden_size or the expert sizes"))
  }

  /// `heads × head_dim` is the width of the query projection; it must be an accountable
  /// dimension like every other width.
  private func checkAttentionWidth(file: String) throws {
    let attention = model.attention
    let (width, overflow) = attention.heads.multipliedReportingOverflow(by: attention.headDim)
    guard overflow || width > ScenarioLimits.modelDimension else { return }
    let largest = ScenarioLimits.modelDimension / attention.heads
    throw ScenarioError(
      file: file, path: "model.attention.head_dim",
      kind: .outOfRange(
        value: String(attention.headDim),
        allowed:
          "1...\(largest) (attention.heads × head_dim must be ≤ \(ScenarioLimits.modelDimension))"))
  }

  /// Tokens and assignments of the whole run are summed in `Int`: `steps × tokens_per_step ×
  /// top_k × MoE layers` must fit in 63 bits.
  private func checkRunCounters(file: String) throws {
    let moeLayers = model.moeLayerIndices.count
    let perToken = (model.moe?.topK ?? 1).multipliedReportingOverflow(by: max(1, moeLayers))
    let perStep = perToken.partialValue.multipliedReportingOverflow(by: workload.tokensPerStep)
    let total = perStep.partialValue.multipliedReportingOverflow(by: workload.steps)
    guard perToken.overflow || perStep.overflow || total.overflow else { return }
    let largest = perToken.overflow || perStep.overflow ? 0 : Int.max / perStep.partialValue
    throw ScenarioError(
      file: file, path: "workload.steps",
      kind: .outOfRange(
        value: String(workload.steps),
        allowed: "1...\(largest) (steps × tokens_per_step × top_k × MoE layers must fit in a"
          + " 64-bit count)"))
  }
}
