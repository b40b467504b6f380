import Foundation
import Testing

@testable import MoESim

/// Recorded traces with bad rows, under `Fixtures/invalid-traces/`: each `<name>.json5` is a
/// valid scenario with `workload.kind = "trace"` pointing at `<name>.csv` beside it, and its first
/// line is `// expect: <csv>:<line>: <message>`, written by hand from the row the CSV breaks
/// (the model has MoE layer 1 only, 4 experts, top-2, 2 tokens × 1 step). The run must refuse
/// with that one line before routing anything (exit status 65: not usage, not missing input).
@Suite struct InvalidTraceFixtureTests {
  static let folder = Bundle.module.url(forResource: "Fixtures/invalid-traces", withExtension: nil)

  static let fixtures: [String] = {
    guard let folder else { return [] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json5") }.sorted()
  }()

  @Test func corpusCoversSeveralKindsOfBadRow() {
    #expect(Self.fixtures.count >= 8)
  }

  @Test(arguments: fixtures)
  func runFailsNamingFileAndLine(fixture: String) throws {
    let folder = try #require(Self.folder)
    let url = folder.appendingPathComponent(fixture)
    let (expected, _) = try InvalidFixtureTests.expectation(of: url)
    // The scenario itself is valid; the trace is read and checked when the run starts.
    let scenario = try Scenario.load(path: url.path)
    #expect(scenario.workload.kind == .trace)
    var batches = 0
    let error = try #require(throws: TraceError.self) {
      _ = try Simulation(scenario: scenario).run(threads: 1) { _, _ in batches += 1 }
    }
    #expect(batches == 0, "nothing routed before the bad row is reported")
    #expect(!error.isMissingInput)
    let message = error.description
    #expect(!message.contains("\n"), "one line")
    #expect(message == "\(folder.path)/\(expected)")
  }
}
