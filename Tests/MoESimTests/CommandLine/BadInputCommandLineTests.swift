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
}
