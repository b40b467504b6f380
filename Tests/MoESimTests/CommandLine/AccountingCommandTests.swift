import Foundation
import Testing

@testable import MoESim

/// `moesim params` and `moesim memory` driven through the built binary, checked against the
/// library.
@Suite struct AccountingCommandTests {
  let cli = CommandLineTests()

  func csvRows(_ output: String) -> [[String]] {
    output.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
  }

  @Test func paramsPrecisionAndLayoutOptions() throws {
    let file = TestSupport.scenarioPath("deepseek-v3.json5")
    let result = try cli.moesim([
      "params", file, "--csv", "--precision", "int4", "--layout", "tp=8,ep=8,pp=2",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let rows = csvRows(result.standardOutput)
    let total = try #require(rows.first { $0.first == "total" })
    let scenario = try TestSupport.scenario(
      "deepseek-v3.json5", "precision.weights=int4", "cluster.layout={tp: 8, ep: 8, pp: 2}",
      "cluster.devices=null")
    let count = ParameterCount(model: scenario.model)
    // int4 at the default group of 128: 4.25 bits per weight.
    #expect(Double(total[4]) == count.total * 4.25 / 8)
    let device = DeviceMemory(scenario: scenario).worst
    #expect(Double(total[5]) == device.parameters * 4.25 / 8)
    // The MTP module is listed apart, then the total with it.
    #expect(rows.last?.first == "total_with_extras")
  }

  @Test func paramsTableShowsBothActiveConventionsAndFLOPs() throws {
    let result = try cli.moesim(["params", TestSupport.scenarioPath("mixtral-8x7b.json5")])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("active with the input embedding 12.88B"))
    #expect(result.standardOutput.contains("without it 12.75B"))
    #expect(result.standardOutput.contains("(3 × forward); 6·N rule"))
    #expect(result.standardOutput.contains("Chinchilla-optimal tokens"))
  }

  @Test func badLayoutIsAUsageError() throws {
    let file = TestSupport.scenarioPath("llama3-70b-dense.json5")
    let bogus = try cli.moesim(["params", file, "--layout", "tp=8,zz=2"])
    #expect(bogus.status == 64)
    #expect(bogus.standardError.contains("--layout 'tp=8,zz=2': 'zz=2' is not KEY=N"))
    let indivisible = try cli.moesim(["memory", file, "--layout", "tp=3"])
    #expect(indivisible.status == 64)
    #expect(indivisible.standardError.contains("cluster.layout.tp = 3 is out of range"))
    #expect(try cli.moesim(["memory", file, "--precision", "int3"]).status == 64)
  }

  @Test func memoryCSVMatchesTheLibraryAndTheTableGivesAVerdict() throws {
    let file = TestSupport.scenarioPath("llama3-70b-dense.json5")
    let csv = try cli.moesim(["memory", file, "--csv"])
    #expect(csv.status == 0, "\(csv.standardError)")
    let lines = csv.standardOutput.split(separator: "\n").map(String.init)
    let scenario = try TestSupport.scenario("llama3-70b-dense.json5")
    let expected = ResultTables.memoryRows(scenario).map { $0.map(\.text).joined(separator: ",") }
    #expect(lines == [ResultTables.memoryColumns.joined(separator: ",")] + expected)
    let table = try cli.moesim([
      "memory", file, "--set", "memory.mode=inference", "--set", "cluster={}",
    ])
    #expect(table.status == 0)
    #expect(table.standardOutput.contains("verdict: does NOT fit"))
    #expect(table.standardOutput.contains("smallest fit: 2 devices"))
  }

  @Test func runWritesMemoryAndComputeFiles() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("q").path
    let result = try cli.moesim(
      ["run", "--set", "workload.steps=1", "--set", "router.warmup_steps=0", "--quiet", "--out", out])
    #expect(result.status == 0, "\(result.standardError)")
    let scenario = try TestSupport.quickstart(["workload.steps=1"])
    let memory = try TestSupport.readCSV(
      URL(fileURLWithPath: out).appendingPathComponent("memory.csv"))
    #expect(memory[0] == ResultTables.memoryColumns)
    #expect(
      memory.dropFirst().map { $0.joined(separator: ",") }
        == ResultTables.memoryRows(scenario).map { $0.map(\.text).joined(separator: ",") })
    let compute = try TestSupport.readCSV(
      URL(fileURLWithPath: out).appendingPathComponent("compute.csv"))
    #expect(compute[0] == ["quantity", "value", "unit"])
    let forward = try #require(compute.first { $0.first == "forward_flops_per_token" })
    #expect(
      Double(forward[1]) == ComputeCost(model: scenario.model, context: 4096).forwardFLOPsPerToken)
  }

  @Test func helpForTheNewCommand() throws {
    let help = try cli.moesim(["help", "memory"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("USAGE: moesim memory"))
    #expect(try cli.moesim(["memory", "--help"]).standardOutput == help.standardOutput)
    #expect(try cli.moesim(["help", "params"]).standardOutput.contains("--layout L"))
  }
}

extension AccountingCommandTests {
  /// Every column of steps.csv, summary.csv, devices.csv, sweep.csv's own columns, params.csv
  /// and memory.csv, and every quantity of compute.csv, is documented in the output reference.
  @Test func outputReferenceDocumentsEveryColumn() throws {
    let readme = try String(
      contentsOf: TestSupport.packageRoot.appendingPathComponent("Results/README.md"),
      encoding: .utf8)
    let scenario = try TestSupport.scenario("deepseek-v3.json5", "compute.training_tokens=1e12")
    let quantities = ResultTables.computeRows(scenario).compactMap { row -> String? in
      if case .text(let name) = row[0] { return name }
      return nil
    }
    let runColumns =
      ResultTables.stepsColumns + ResultTables.summaryColumns + ResultTables.devicesColumns
      + SweepRunner.statusColumns + ResultTables.validationColumns
      + ValidationMetric.allCases.map(\.rawValue)
    for name in ResultTables.paramsColumns + ResultTables.memoryColumns + quantities + runColumns {
      #expect(readme.contains("`\(name)`"), "\(name)")
    }
  }
}
