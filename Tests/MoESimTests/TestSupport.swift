import Foundation
import MoESim

/// Paths and helpers shared by the tests.
enum TestSupport {
  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func scenarioPath(_ name: String) -> String {
    packageRoot.appendingPathComponent("Scenarios/\(name)").path
  }

  /// A bundled scenario, optionally with `--set` overrides.
  static func scenario(_ name: String, _ overrides: String...) throws -> Scenario {
    try Scenario.load(
      path: scenarioPath(name), overrides: overrides.map(ScenarioOverride.init(parsing:)))
  }

  /// The built-in quickstart in its untrained regime (no warm-up or aux-loss training, 8 sequences
  /// of 512 tokens: the explicit choice its header documents), with `overrides` applied after. Most tests use it as
  /// a small generic scenario: it routes unevenly enough to drop at capacity, and without the
  /// default's 50 warm-up steps it stays fast in a debug build.
  static func quickstart(_ overrides: [String]) throws -> Scenario {
    try Scenario.parse(
      Data(BuiltinScenarios.quickstart.utf8), file: "quickstart.json5",
      overrides: (untrainedQuickstart + overrides).map(ScenarioOverride.init(parsing:)))
  }

  /// The overrides that give the quickstart its untrained, skewed routing back.
  static let untrainedQuickstart = [
    "router.warmup_steps=0", "router.aux_loss_coeff=0", "workload.sequence_length=512",
  ]

  /// A fresh empty folder under the system's temporary directory.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("moesim-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Rows of a CSV file without quoted fields, as string arrays (header first).
  static func readCSV(_ url: URL) throws -> [[String]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }
}
