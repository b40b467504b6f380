import Foundation
import Testing

@testable import MoESim

/// `--set` mistakes are usage errors (exit 64) whose one-line message quotes the argument, the
/// key path, the value and what is allowed.
@Suite struct OverrideErrorTests {
  struct Case: Sendable, CustomStringConvertible {
    var argument: String
    /// The whole expected message (written by hand from the rule broken).
    var message: String
    var description: String { argument }
  }

  static let cases: [Case] = [
    // Unknown key: the leaf, and an object the override itself invents.
    Case(
      argument: "workload.stepz=3",
      message: "--set workload.stepz=3: workload.stepz is not a known key; did you mean 'steps'?"),
    Case(
      argument: "modle.moe.experts=4",
      message: "--set modle.moe.experts=4: modle is not a known key; did you mean 'model'?"),
    // Bad values.
    Case(
      argument: "workload.steps=many",
      message:
        "--set workload.steps=many: workload.steps = \"many\" has the wrong type; expected an"
        + " integer ≥ 1"),
    Case(
      argument: "router.capacity_factor=-1",
      message:
        "--set router.capacity_factor=-1: router.capacity_factor = -1 is out of range; allowed a"
        + " finite number > 0, or null for dropless"),
    Case(
      argument: "workload.steps=1e18",
      message:
        // Quickstart: 7 MoE layers × top-2 × 4096 tokens = 57344 per step; Int.max / 57344.
        "--set workload.steps=1e18: workload.steps = 1000000000000000000 is out of range; allowed"
        + " 1...160842843834660 (steps × tokens_per_step × top_k × MoE layers must fit in a 64-bit"
        + " count)"),
    // A second key smuggled into the value is not JSON5 for one value: it stays a string.
    Case(
      argument: "workload.steps=3, noise: 9",
      message:
        "--set workload.steps=3, noise: 9: workload.steps = \"3, noise: 9\" has the wrong type;"
        + " expected an integer ≥ 1"),
  ]

  @Test(arguments: cases)
  func isAUsageErrorNamingTheArgument(testCase: Case) throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart([testCase.argument])
    }
    #expect(error.isUsageError)
    // Unknown-key messages go on with the list of allowed keys.
    #expect(error.description.hasPrefix(testCase.message), "\(error)")
    #expect(!error.description.contains("\n"))
  }

  @Test(arguments: ["noequals", "=5", "a..b=1", ".a=1", "a.=1"])
  func malformedArgumentSaysWhatFormIsAllowed(argument: String) throws {
    let error = try #require(throws: ScenarioError.self) {
      try ScenarioOverride(parsing: argument)
    }
    #expect(error.isUsageError)
    #expect(error.description.hasPrefix("--set: \(argument) = '"))
    #expect(
      error.description.hasSuffix("allowed the form key.path=value")
        || error.description.hasSuffix("allowed a dotted key path such as model.moe.experts"))
  }
}
