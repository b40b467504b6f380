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
}
