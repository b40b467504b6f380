import Foundation
import Testing

@testable import MoESim

@Suite struct ResultFilesTests {
  @Test func csvFieldsRenderForEveryReader() {
    #expect(CSVField.real(12).text == "12")
    #expect(CSVField.real(0.25).text == "0.25")
    #expect(CSVField.real(46.7e9).text == "46700000000")
    #expect(CSVField.real(1e-7).text == "1e-07")
    #expect(CSVField.text("a,b").text == "\"a,b\"")
    #expect(CSVField.text("say \"hi\"").text == "\"say \"\"hi\"\"\"")
    #expect(CSVField.empty.text == "")
  }

  @Test func resultFilesHaveTheDocumentedColumnsAndAgree() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenario = try TestSupport.quickstart(SimulationTests.small)
    try RunWriter.run(scenario, folder: folder.path, threads: 2)
    let steps = try TestSupport.readCSV(folder.appendingPathComponent("steps.csv"))
    let experts = try TestSupport.readCSV(folder.appendingPathComponent("experts.csv"))
    let summary = try TestSupport.readCSV(folder.appendingPathComponent("summary.csv"))
    let params = try TestSupport.readCSV(folder.appendingPathComponent("params.csv"))
    // The column names other issues and users' scripts rely on.
    for column in [
      "step", "layer", "tokens", "assignments_kept", "assignments_dropped", "max_over_mean_load",
      "cv_load", "min_load", "max_load", "entropy", "aux_loss", "z_loss",
    ] { #expect(steps[0].contains(column)) }
    for column in ["layer", "expert", "tokens_kept", "tokens_dropped", "load_share"] {
      #expect(experts[0].contains(column))
    }
    #expect(Array(params[0].prefix(3)) == ["component", "total_params", "active_params"])
    #expect(params.last?.first == "total")
    #expect(steps.count == 1 + 3 * 7)
    #expect(experts.count == 1 + 7 * 16)
    #expect(summary.count == 2)

    // Summary totals equal the sums of the other tables.
    let row = Dictionary(uniqueKeysWithValues: zip(summary[0], summary[1]))
    let keptColumn = try #require(steps[0].firstIndex(of: "assignments_kept"))
    let keptInSteps = steps.dropFirst().reduce(0) { $0 + Int($1[keptColumn])! }
    let expertKeptColumn = try #require(experts[0].firstIndex(of: "tokens_kept"))
    let keptInExperts = experts.dropFirst().reduce(0) { $0 + Int($1[expertKeptColumn])! }
    #expect(Int(row["assignments_kept"]!) == keptInSteps)
    #expect(keptInExperts == keptInSteps)
    let shareColumn = try #require(experts[0].firstIndex(of: "load_share"))
    let shareOfFirstLayer = experts[1...16].reduce(0.0) { $0 + Double($1[shareColumn])! }
    #expect(abs(shareOfFirstLayer - 1) < 1e-9)
  }

  @Test func resolvedScenarioReadsBackIdentically() throws {
    for file in ["quickstart.json5", "mixtral-8x7b.json5", "llama3-8b-dense.json5", "olmoe-1b-7b.json5"] {
      let scenario = try TestSupport.scenario(file)
      let text = RunWriter.resolvedJSON(scenario)
      #expect(try Scenario.parse(Data(text.utf8), file: "resolved") == scenario, "\(file)")
    }
  }

  @Test func builtInQuickstartIsTheShippedFile() throws {
    let shipped = try String(
      contentsOfFile: TestSupport.scenarioPath("quickstart.json5"), encoding: .utf8)
    #expect(BuiltinScenarios.quickstart + "\n" == shipped)
  }

  @Test func everyShippedScenarioIsValid() throws {
    let folder = TestSupport.packageRoot.appendingPathComponent("Scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json5") }
    #expect(files.count >= 4)
    for file in files { _ = try TestSupport.scenario(file) }
  }

  @Test func atomicFileLeavesNothingWhenDiscarded() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("x.csv").path
    let file = try AtomicFile(path: path)
    try file.write("half a row")
    #expect(!FileManager.default.fileExists(atPath: path))
    file.discard()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func unwritableFolderIsCannotCreate() throws {
    let error = try #require(throws: OutputError.self) {
      try RunWriter.run(try TestSupport.quickstart(SimulationTests.small), folder: "/proc/moesim", threads: 1)
    }
    #expect(error.kind == .cannotCreate)
  }
}
