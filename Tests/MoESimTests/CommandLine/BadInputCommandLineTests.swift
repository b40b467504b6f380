import Foundation
import Testing

@testable import MoESim

/// Bad input through the built binary: exit statuses and the one-line messages on stderr.
@Suite struct BadInputCommandLineTests {
  let cli = CommandLineTests()

  @Test(arguments: [
    "malformed-missing-comma.json5", "unknown-key-in-domain.json5", "missing-top-k.json5",
    "run-assignments-overflow.json5",
  ])
  func invalidFixtureExitsWithDataError(fixture: String) throws {
    let url = try #require(InvalidFixtureTests.folder).appendingPathComponent(fixture)
    let (expected, _) = try InvalidFixtureTests.expectation(of: url)
    // `run` refuses before creating anything: its --out folder is never made.
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("moesim-\(UUID())")
    for arguments in [["validate"], ["params"], ["run", "--out", out.path]] {
      let result = try cli.moesim(arguments + [url.path])
      #expect(result.status == 65, "\(arguments) \(fixture)")
    }
    #expect(!FileManager.default.fileExists(atPath: out.path))
    let result = try cli.moesim(["validate", url.path])
    #expect(result.standardError == "error: \(url.path): \(expected)\n")
    #expect(result.standardOutput.isEmpty)
  }

  /// Unknown key, bad value, malformed `k=v`: exit 64 and one line naming the argument.
  @Test(arguments: [
    ("modle.moe.experts=4", "error: --set modle.moe.experts=4: modle is not a known key;"),
    (
      "router.temperature=0",
      "error: --set router.temperature=0: router.temperature = 0 is out of range;"
    ),
    (
      "experts",
      "error: --set: experts = 'experts' is out of range; allowed the form key.path=value"
    ),
  ])
  func badOverrideExitsWithUsageError(argument: String, messageStart: String) throws {
    for command in ["validate", "run", "params"] {
      let scenario = command == "validate" ? [TestSupport.scenarioPath("quickstart.json5")] : []
      let result = try cli.moesim([command] + scenario + ["--set", argument])
      #expect(result.status == 64, "\(command) --set \(argument)")
      #expect(result.standardError.hasPrefix(messageStart), "\(result.standardError)")
      #expect(result.standardError.filter { $0 == "\n" }.count == 1, "one line")
    }
  }
}
