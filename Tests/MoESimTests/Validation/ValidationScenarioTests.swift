import Foundation
import Testing

@testable import MoESim

/// Every `Scenarios/validation/*.json5` run as it is, its `validation.csv` checked against the
/// claim each entry makes: `match` within 0.85 … 1.15 of the measurement, `bound` at least as
/// fast as it (a rate at or above, a time at or below). A scenario routing more than
/// `budgetTokenLayers` tokens × MoE layers per run (every file but the intranode DeepEP one)
/// takes from seconds to minutes in a debug build and runs only with `MOESIM_FULL_VALIDATION=1`.
@Suite struct ValidationScenarioTests {
  static let budgetTokenLayers = 32_768
  static let full = ProcessInfo.processInfo.environment["MOESIM_FULL_VALIDATION"] == "1"

  static var files: [String] {
    let folder = TestSupport.packageRoot.appendingPathComponent("Scenarios/validation")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json5") }.sorted()
  }

  static func tokenLayers(_ scenario: Scenario) -> Int {
    let layers = (0..<scenario.model.layers).filter {
      ModelSpec.isMoELayer($0, moe: scenario.model.moe)
    }.count
    return scenario.workload.tokensPerStep * scenario.workload.steps * layers
  }

  @Test func thereAreValidationScenarios() {
    #expect(Self.files.count >= 3, "\(Self.files)")
  }

  /// Each file names its source and measured figure in its header and carries a validation
  /// block.
  @Test(arguments: files)
  func headerAndBlock(_ name: String) throws {
    let path = TestSupport.scenarioPath("validation/" + name)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix("// Validation:"), "\(name)")
    #expect(text.contains("// Measured:"), "\(name)")
    let scenario = try Scenario.load(path: path)
    let entries = try #require(scenario.validation)
    for entry in entries {
      let plain =
        entry.measured == entry.measured.rounded()
        ? String(Int(entry.measured)) : String(entry.measured)
      #expect(
        text.contains(plain) || text.contains(Self.grouped(entry.measured)),
        "\(name): \(entry.measured) is not in the header")
    }
  }

  /// `57674` as the header spells it: `57,674`.
  static func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = ","
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.usesGroupingSeparator = true
    return formatter.string(from: NSNumber(value: value)) ?? ""
  }

  @Test(arguments: files)
  func predictionHoldsItsClaim(_ name: String) throws {
    let scenario = try TestSupport.scenario("validation/" + name)
    guard Self.full || Self.tokenLayers(scenario) <= Self.budgetTokenLayers else { return }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try RunWriter.run(scenario, folder: folder.path, threads: 2)
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("validation.csv"))
    let header = try #require(rows.first)
    #expect(header == ResultTables.validationColumns)
    let entries = try #require(scenario.validation)
    #expect(rows.count == entries.count + 1)
    let column = { (row: [String], name: String) -> String in
      header.firstIndex(of: name).map { row[$0] } ?? ""
    }
    for (entry, row) in zip(entries, rows.dropFirst()) {
      #expect(column(row, "metric") == entry.metric.rawValue)
      let measured = try #require(Double(column(row, "measured")))
      let predicted = try #require(Double(column(row, "predicted")), "\(name): no prediction")
      let ratio = try #require(Double(column(row, "ratio")))
      #expect(abs(ratio - predicted / measured) <= 1e-12 * ratio)
      switch entry.expect {
      case .match:
        #expect((0.85...1.15).contains(ratio), "\(name) \(entry.metric.rawValue): \(ratio)")
      case .bound:
        let faster = entry.metric.fasterIsHigher ? ratio >= 1 : ratio <= 1
        #expect(faster, "\(name) \(entry.metric.rawValue): \(ratio) is not a bound")
      }
      #expect(column(row, "holds") == "true")
    }
  }
}

/// The `validation` block's decoding and its errors.
@Suite struct ValidationSpecTests {
  static let timed = [
    "cluster.layout={dp: 8, ep: 8}", "cluster.device=h100-sxm", "cluster.placement={}",
  ]

  @Test func oneObjectOrAList() throws {
    let one = try TestSupport.quickstart(
      Self.timed + ["validation={metric: \"step_time_s\", measured: 0.5, source: \"x\"}"])
    #expect(one.validation == [ValidationEntry(metric: .stepTime, measured: 0.5, source: "x")])
    let two = try TestSupport.quickstart(
      Self.timed + [
        "validation=[{metric: \"tokens_per_s\", measured: 2, source: \"a\", expect: \"bound\"},"
          + " {metric: \"dispatch_bandwidth_gbps\", measured: 3, source: \"b\"}]"
      ])
    #expect(two.validation?.map(\.expect) == [.bound, .match])
    #expect(try TestSupport.quickstart(Self.timed).validation == nil)
  }

  @Test func anUnknownMetricNamesThePathTheValueAndTheAllowedNames() throws {
    #expect {
      try TestSupport.quickstart(
        Self.timed + ["validation=[{metric: \"mfu\", measured: 1, source: \"x\"}]"])
    } throws: { error in
      let text = "\(error)"
      return (error as? ScenarioError)?.path == "validation[0].metric" && text.contains("\"mfu\"")
        && ValidationMetric.allCases.allSatisfy { text.contains("\"\($0.rawValue)\"") }
    }
  }

  /// In a scenario file (a bad `--set` is a usage error, 64, instead).
  @Test func anUnknownMetricExitsWithDataError() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = try String(
      contentsOfFile: TestSupport.scenarioPath("validation/deepep-intranode-ep8.json5"),
      encoding: .utf8)
    let file = folder.appendingPathComponent("bad.json5")
    try text.replacingOccurrences(of: "\"combine_bandwidth_gbps\"", with: "\"mfu\"")
      .write(to: file, atomically: true, encoding: .utf8)
    let result = try CommandLineTests().moesim([
      "run", file.path, "--out", folder.appendingPathComponent("out").path,
    ])
    #expect(result.status == 65)
    #expect(result.standardError.contains("bad.json5"))
    #expect(result.standardError.contains("validation[1].metric = \"mfu\""))
    #expect(result.standardError.contains("tokens_per_s_per_device"))
  }

  @Test func aValidationNeedsTheTimeModel() throws {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "validation={metric: \"step_time_s\", measured: 1, source: \"x\"}"
      ])
    }
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "cluster.device=h100-sxm",
        "validation={metric: \"combine_bandwidth_gbps\", measured: 1, source: \"x\"}",
      ])
    }
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(
        Self.timed + ["validation={metric: \"step_time_s\", measured: -1, source: \"x\"}"])
    }
  }
}
