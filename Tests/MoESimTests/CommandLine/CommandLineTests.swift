import Foundation
import Testing

@testable import MoESim

/// A few end-to-end checks that drive the built `moesim` binary.
@Suite struct CommandLineTests {
  static let binary: URL = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("moesim")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return TestSupport.packageRoot.appendingPathComponent(".build/debug/moesim")
  }()

  struct Outcome {
    var status: Int32
    var standardOutput: String
    var standardError: String
  }

  func moesim(_ arguments: [String], in folder: URL? = nil) throws -> Outcome {
    try run(Self.binary, arguments, in: folder)
  }

  /// Runs `executable` with `arguments` and collects its status and both streams.
  func run(_ executable: URL, _ arguments: [String], in folder: URL? = nil) throws -> Outcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
      standardError: String(decoding: errData, as: UTF8.self))
  }

  @Test func runWithoutAFileUsesTheBuiltInQuickstart() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Without the quickstart's 50 warm-up steps, which take minutes in a debug build.
    let result = try moesim(
      ["run", "--set", "workload.steps=2", "--set", "router.warmup_steps=0", "--quiet"],
      in: folder)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.isEmpty)
    let summary = folder.appendingPathComponent("Results/quickstart/summary.csv")
    #expect(FileManager.default.fileExists(atPath: summary.path))
    #expect(result.standardError.isEmpty, "no progress when stderr is not a terminal")
  }

  @Test func exitStatusesFollowSysexits() throws {
    #expect(try moesim([]).status == 64)
    #expect(try moesim(["frobnicate"]).status == 64)
    #expect(try moesim(["run", "--bogus"]).status == 64)
    #expect(try moesim(["run", "--set", "model.moe.top_k=99"]).status == 64)
    #expect(try moesim(["validate", "/nonexistent.json5"]).status == 66)
    #expect(try moesim(["params", TestSupport.scenarioPath("mixtral-8x7b.json5")]).status == 0)
    #expect(try moesim(["--version"]).standardOutput.hasPrefix("moesim "))
  }

  @Test func validateReportsEachBadFileOnOneLine() throws {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures/invalid", withExtension: nil))
    let bad = folder.appendingPathComponent("top-k-above-experts.json5").path
    let good = TestSupport.scenarioPath("quickstart.json5")
    let result = try moesim(["validate", good, bad])
    #expect(result.status == 65)
    #expect(result.standardOutput.isEmpty)
    #expect(
      result.standardError
        == "error: \(bad): model.moe.top_k = 9 is out of range; allowed 1...8 (model.moe.experts)\n")
    #expect(try moesim(["validate", good]).status == 0)
  }

  @Test func paramsCSVMatchesTheLibrary() throws {
    let result = try moesim(["params", "--csv", TestSupport.scenarioPath("mixtral-8x7b.json5")])
    let lines = result.standardOutput.split(separator: "\n")
    #expect(
      lines.first
        == "component,total_params,active_params,active_fraction,weight_bytes,device_weight_bytes")
    let count = ParameterCount(model: try TestSupport.scenario("mixtral-8x7b.json5").model)
    #expect(lines.last?.hasPrefix("total,\(Int(count.total)),\(Int(count.active)),") == true)
  }

  @Test func helpTeachesEveryCommand() throws {
    for command in ["run", "validate", "params"] {
      let result = try moesim(["help", command])
      #expect(result.status == 0)
      #expect(result.standardOutput.contains("USAGE: moesim \(command)"))
      #expect(try moesim([command, "--help"]).standardOutput == result.standardOutput)
    }
  }
}
