/// A fully resolved scenario: every default filled in, every value validated.
public struct Scenario: Sendable, Equatable, Encodable {
  /// Names the results folder; letters, digits, `.`, `_` and `-`.
  public var name: String
  public var description: String?
  /// Seed of every random stream of the run.
  public var seed: UInt64
  public var model: ModelSpec
  public var router: RouterSpec
  public var workload: WorkloadSpec
  /// Number formats of weights, KV cache and activations (memory accounting).
  public var precision = PrecisionSpec()
  /// Devices and parallel layout (memory per device).
  public var cluster = ClusterSpec()
  /// What the memory estimate is for: inference or training, batch, context.
  public var memory = MemorySpec()
  /// Tokens of a training run, for the compute totals.
  public var compute = ComputeSpec()
  /// Published measurements the run is compared with (`validation.csv`); nil when none.
  public var validation: [ValidationEntry]? = nil
}
