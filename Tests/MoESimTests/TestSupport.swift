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

  /// The built-in quickstart with overrides applied.
  static func quickstart(_ overrides: [String]) throws -> Scenario {
    try Scenario.parse(
      Data(BuiltinScenarios.quickstart.utf8), file: "quickstart.json5",
      overrides: overrides.map(ScenarioOverride.init(parsing:)))
  }

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
