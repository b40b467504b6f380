import Foundation
import Testing

@testable import MoESim

/// Every CSV column keeps one type whatever the run (Results/README.md, "Column types are
/// stable"): across an MoE run with capacity, a dropless MoE run with a placement and a device,
/// and a dense run, a column's non-empty fields are all numbers, all `true`/`false` or all
/// text, and a column that does not apply is empty, never `n/a`, `nan` or `inf`.
@Suite struct ColumnTypeStabilityTests {
  enum Kind: String { case number, boolean, text }

  static func kind(_ field: String) -> Kind {
    if field == "true" || field == "false" { return .boolean }
    if let value = Double(field), value.isFinite { return .number }
    return .text
  }

  @Test func aColumnHasOneTypeInEveryRun() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let small = ["workload.steps=1", "workload.tokens_per_step=64", "workload.sequence_length=8"]
    let runs: [(String, Scenario)] = [
      ("moe", try TestSupport.quickstart(small)),
      (
        "moe-placed",
        try TestSupport.quickstart(
          small + [
            "router.capacity_factor=null", "cluster.layout={tp: 16, ep: 8}",
            "cluster.device=h100-sxm", "cluster.cost.mode=decode", "cluster.placement={}",
          ])
      ),
      (
        "dense",
        try Scenario.load(
          path: TestSupport.scenarioPath("llama3-8b-dense.json5"),
          overrides: small.map(ScenarioOverride.init(parsing:)))
      ),
    ]
    // file → column → (kind, the run that showed it first)
    var kinds: [String: [String: (Kind, String)]] = [:]
    for (name, scenario) in runs {
      let folder = root.appendingPathComponent(name)
      try RunWriter.run(scenario, folder: folder.path, threads: 1)
      let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasSuffix(".csv") }
      for file in files {
        let table = try CSVTable(path: folder.appendingPathComponent(file).path)
        for (column, header) in table.columns.enumerated() {
          for row in table.rows where column < row.count && !row[column].isEmpty {
            let field = row[column]
            #expect(
              !["n/a", "na", "nan", "-nan", "inf", "-inf", "null"].contains(field.lowercased()),
              "\(name)/\(file) \(header) = \(field): empty means not applicable")
            let kind = Self.kind(field)
            if let (known, seenIn) = kinds[file]?[header] {
              #expect(
                known == kind,
                "\(name)/\(file) \(header) = \(field) is \(kind.rawValue); \(seenIn) had \(known.rawValue)"
              )
            } else {
              kinds[file, default: [:]][header] = (kind, name)
            }
          }
        }
      }
    }
    // The three runs between them wrote the run files, each with columns.
    #expect(
      ["steps.csv", "experts.csv", "summary.csv", "devices.csv"].allSatisfy { kinds[$0] != nil })
  }
}
