import Foundation

/// The memory one device needs to run the step the time model times, by pipeline stage: its
/// weights (`WeightSharding`, as `memory.csv`), the KV cache of the step's sequences and the
/// activations of the step's tokens (`DeviceMemory`'s rules).
///
/// The time model's batch is `workload.tokens_per_step` (`T`), shared by the `dp` replicas:
///
/// - decode: `ceil(T / (dp · (1 + d)))` sequences per replica (`d` MTP drafts each), each with
///   `memory.context` (`c`) cached tokens; activations of one token per sequence;
/// - prefill: `ceil(T / (dp · (c − p)))` prompts of `c` tokens per replica, `p` of them found in
///   the prefix cache (`cluster.cost.prefix_cache_hit_rate`) and the rest computed, the keys and
///   values of all `c` held; activations of every prompt token (one block at a time, as
///   `DeviceMemory`: with a cached prefix an upper bound).
///
/// Training steps are not checked here: their micro-batches and recomputation are
/// `memory.csv`'s (`memory.batch`, `memory.recompute`).
public struct StepFootprint: Sendable, Equatable {
  /// One stage's bytes on one device.
  public struct Stage: Sendable, Equatable {
    public var index: Int
    public var weightBytes: Double
    public var kvCacheBytes: Double
    public var activationBytes: Double
    public var totalBytes: Double { weightBytes + kvCacheBytes + activationBytes }
  }

  public var mode: ClusterCostSpec.Mode
  public var stages: [Stage]
  public var capacityBytes: Double

  /// The stage that needs the most (the first on ties).
  public var worst: Stage {
    stages.dropFirst().reduce(stages[0]) { $1.totalBytes > $0.totalBytes ? $1 : $0 }
  }
  public var fits: Bool { worst.totalBytes <= capacityBytes }

  /// Nil when the scenario's steps are not timed (no `cluster.device`, or an MoE without
  /// `cluster.placement`) or are training steps.
  public init?(scenario: Scenario) {
    let cluster = scenario.cluster
    let mode = cluster.cost.mode
    guard cluster.device != nil, scenario.model.moe == nil || cluster.placement != nil,
      mode != .training
    else { return nil }
    self.init(scenario: scenario, tokensPerStep: scenario.workload.tokensPerStep, mode: mode)
  }

  init(scenario: Scenario, tokensPerStep: Int, mode: ClusterCostSpec.Mode) {
    let dp = scenario.cluster.layout.dp
    let context = scenario.memory.context
    func memory(batch: Int, context: Int) -> DeviceMemory {
      var copy = scenario
      copy.memory = MemorySpec(mode: .inference, batch: max(1, batch), context: context)
      return DeviceMemory(scenario: copy)
    }
    let perReplica = dp * (mode == .decode ? scenario.cluster.cost.tokensPerSequence : 1)
    let sequences = (tokensPerStep + perReplica - 1) / perReplica
    let active: DeviceMemory
    let cached: DeviceMemory
    if mode == .decode {
      active = memory(batch: sequences * scenario.cluster.cost.tokensPerSequence, context: 1)
      cached = memory(batch: sequences, context: context)
    } else {
      let computed = context - scenario.cluster.cost.cachedPrefixTokens(context: context)
      active = memory(batch: (sequences + computed - 1) / computed, context: context)
      cached = active
    }
    self.mode = mode
    capacityBytes = scenario.cluster.usableMemoryBytes
    stages = zip(active.stages, cached.stages).map { active, cached in
      Stage(
        index: active.index, weightBytes: active.bytes[.weights] ?? 0,
        kvCacheBytes: cached.bytes[.kvCache] ?? 0,
        activationBytes: active.bytes[.activations] ?? 0)
    }
  }

  /// The error refusing a step that does not fit, naming its figures and what to change; nil
  /// when it fits or is not timed. `file` names the scenario in the message.
  public static func refusal(_ scenario: Scenario, file: String) -> ScenarioError? {
    guard let footprint = StepFootprint(scenario: scenario), !footprint.fits else { return nil }
    let worst = footprint.worst
    let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / 1_073_741_824) }
    let tokens = scenario.workload.tokensPerStep
    // The largest step that fits, by bisection (the footprint grows with the tokens).
    var low = 0
    var high = tokens
    while low < high {
      let middle = (low + high + 1) / 2
      let probe = StepFootprint(scenario: scenario, tokensPerStep: middle, mode: footprint.mode)
      if probe.fits { low = middle } else { high = middle - 1 }
    }
    let unit = footprint.mode == .decode ? "sequences" : "tokens"
    let largest =
      low > 0
      ? "at most \(low) \(unit) per step on this layout"
      : "none on this layout: the weights alone need \(gib(worst.weightBytes))"
    return ScenarioError(
      file: file, path: "workload.tokens_per_step",
      kind: .outOfRange(
        value: String(tokens),
        allowed: "\(largest) (a \(footprint.mode.rawValue) step of \(tokens) \(unit) at"
          + " memory.context = \(scenario.memory.context) needs \(gib(worst.totalBytes)) per"
          + " device on pipeline stage \(worst.index): weights \(gib(worst.weightBytes)) + KV"
          + " cache \(gib(worst.kvCacheBytes)) + activations \(gib(worst.activationBytes)),"
          + " of \(gib(footprint.capacityBytes)) available (cluster.device_memory_gib);"
          + " lower workload.tokens_per_step or memory.context, or add devices with"
          + " cluster.layout dp, pp or tp)"))
  }
}
