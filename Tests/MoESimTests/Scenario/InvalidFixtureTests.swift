import Foundation
import Testing

@testable import MoESim

/// The corpus of invalid scenarios under `Fixtures/invalid/`. Each file's first line is
/// `// expect: <message>`: the one-line error after `<file path>: `, written by hand from the
/// rule the file breaks. A message ending in ` …` is matched up to the ellipsis (used where the
/// rest is a list of allowed keys that grows as features land).
@Suite struct InvalidFixtureTests {
  static let folder = Bundle.module.url(forResource: "Fixtures/invalid", withExtension: nil)

  static let fixtures: [String] = {
    guard let folder else { return [] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json5") }.sorted()
  }()

  /// The expected message of a fixture, and whether it is a prefix.
  static func expectation(of url: URL) throws -> (text: String, isPrefix: Bool) {
    let text = try String(contentsOf: url, encoding: .utf8)
    let firstLine = String(text.prefix { $0 != "\n" })
    let marker = "// expect: "
    guard firstLine.hasPrefix(marker) else { return ("missing '\(marker)' line", false) }
    let expected = String(firstLine.dropFirst(marker.count))
    if expected.hasSuffix(" …") { return (String(expected.dropLast(2)), true) }
    return (expected, false)
  }

  @Test func corpusHasAtLeastSixtyScenarios() {
    #expect(Self.fixtures.count >= 60)
  }

  @Test(arguments: fixtures)
  func failsWithItsOneLineMessage(fixture: String) throws {
    let url = try #require(Self.folder).appendingPathComponent(fixture)
    let (expected, isPrefix) = try Self.expectation(of: url)
    let error = try #require(throws: ScenarioError.self) { try Scenario.load(path: url.path) }
    // Exit status 65 (data error): neither a usage error nor a missing input.
    #expect(!error.isUsageError)
    #expect(!error.isMissingInput)
    let message = error.description
    #expect(!message.contains("\n"), "one line")
    let whole = "\(url.path): \(expected)"
    if isPrefix {
      #expect(message.hasPrefix(whole), "\(message)")
    } else {
      #expect(message == whole)
    }
  }
}
