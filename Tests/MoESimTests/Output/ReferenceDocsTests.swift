import Foundation
import Testing

@testable import MoESim

/// The reference documents name every scenario key and every result column the code has, so a
/// key or column added without its documentation fails here.
@Suite struct ReferenceDocsTests {
  static func text(_ path: String) throws -> String {
    try String(
      contentsOf: TestSupport.packageRoot.appendingPathComponent(path), encoding: .utf8)
  }

  @Test func everyScenarioKeyIsInScenariosReadme() throws {
    let readme = try Self.text("Scenarios/README.md")
    // A nested key may be written relative to its section (`attention.kv_heads` in `model`), an
    // object through its members, a key of an array's elements in its `[{…}]` form.
    let missing = ScenarioKeys.all.filter { key in
      guard key.type != .object else { return false }
      if key.block.hasSuffix("[]"), !readme.contains("`\(key.name)`") {
        return readme.range(
          of: "`\\[\\{[^`]*\\b\(key.name)\\b", options: .regularExpression) == nil
      }
      let parts = (key.block.isEmpty ? [] : key.block.split(separator: ".")) + [Substring(key.name)]
      return !(0..<parts.count).contains { start in
        readme.contains("`" + parts[start...].joined(separator: ".") + "`")
      }
    }.map { $0.block.isEmpty ? $0.name : "\($0.block).\($0.name)" }
    #expect(missing.isEmpty, "not in Scenarios/README.md: \(missing)")
  }

  @Test func everyResultColumnIsInResultsReadme() throws {
    let readme = try Self.text("Results/README.md")
    let columns =
      ResultTables.stepsColumns + ResultTables.expertsColumns + ResultTables.paramsColumns
      + ResultTables.summaryColumns + ResultTables.devicesColumns + ResultTables.memoryColumns
      + ResultTables.computeColumns + ResultTables.validationColumns
    let missing = Set(columns).filter { !readme.contains("`\($0)`") }.sorted()
    #expect(missing.isEmpty, "not in Results/README.md: \(missing)")
  }
}
