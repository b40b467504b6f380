import Foundation
import Testing

@testable import MoESim

/// Inputs that used to crash or get the wrong exit status, through the built binary: each gets
/// its sysexits code and its one-line message.
@Suite struct HostileInputCommandTests {
  let cli = CommandLineTests()

  /// Runs the binary with standard error on `/dev/full`, where every write fails.
  func moesimWithFullStandardError(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle(forWritingAtPath: "/dev/full")
    try process.run()
    process.waitUntilExit()
    return process
  }

  @Test func threadCountsAreCapped() throws {
    for value in ["1025", "9223372036854775807"] {
      let needed = [
        "run": [], "export-trace": ["--out", "/nonexistent-moesim/t.csv"],
        "sweep": ["--vary", "seed=1"], "compare": [],
      ]
      for (command, rest) in needed {
        let result = try cli.moesim([command, "--threads", value] + rest)
        #expect(result.status == 64, "\(command) --threads \(value)")
        #expect(
          result.standardError
            == "error: --threads = \(value) is out of range; allowed 1...1024 (see 'moesim help"
            + " \(command)')\n")
      }
    }
    #expect(try cli.moesim(["sweep", "--jobs", "5000"]).status == 64)
  }

  @Test func anUnwritableStandardErrorDoesNotTrap() throws {
    for arguments in [
      ["frobnicate"], ["validate", "/nonexistent.json5"], ["run", "--threads", "0"],
    ] {
      let process = try moesimWithFullStandardError(arguments)
      #expect(process.terminationReason == .exit, "\(arguments) exited, not a signal")
      #expect(process.terminationStatus == (arguments[0] == "validate" ? 66 : 64))
    }
  }

  @Test func optionsWithoutTheirValueAreUsageErrors() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let quiet = try cli.moesim(["run", "--out", "--quiet"], in: folder)
    #expect(quiet.status == 64)
    #expect(
      quiet.standardError
        == "error: option --out needs a value, got the option '--quiet' (see 'moesim help run')\n")
    let dash = try cli.moesim(["export-trace", "--out", "-"], in: folder)
    #expect(dash.status == 64)
    #expect(dash.standardError.hasPrefix("error: --out - : results go to files"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func errorsStayOnOneLineAndCutLongValues() throws {
    let newline = try cli.moesim([
      "validate", TestSupport.scenarioPath("quickstart.json5"), "--set", "name=a\nb",
    ])
    #expect(newline.status == 64)
    #expect(
      newline.standardError.hasPrefix("error: --set name=a\\nb: name = \"a\\nb\" is out of range"))
    #expect(newline.standardError.filter { $0 == "\n" }.count == 1)
    // 500 nines: the value is echoed as its first 200 characters and a count of the rest (the
    // quoted value is 502 characters, so 302 are left out), once as `--set model.moe.experts=…`
    // (6 + 18 + 500 = 524 characters, 324 left out) and once as the value.
    let nines = String(repeating: "9", count: 500)
    let long = try cli.moesim([
      "validate", TestSupport.scenarioPath("quickstart.json5"), "--set",
      "model.moe.experts=\(nines)",
    ])
    #expect(long.status == 64)
    #expect(long.standardError.contains("…(302 more characters) has the wrong type"))
    #expect(long.standardError.contains("…(324 more characters): model.moe.experts"))
    #expect(long.standardError.count < 600)
  }

  @Test func validateRequiresTheReplayedTrace() throws {
    let result = try cli.moesim([
      "validate", TestSupport.scenarioPath("quickstart.json5"), "--set", "workload.kind=trace",
      "--set", "workload.trace=/nonexistent-moesim.csv",
    ])
    #expect(result.status == 66)
    #expect(
      result.standardError
        == "error: /nonexistent-moesim.csv: trace cannot be read: No such file or directory\n")
  }

  @Test func mergeStatusesAndRows() throws {
    let missing = try cli.moesim(["merge", "/nonexistent-moesim-sweep"])
    #expect(missing.status == 66)
    #expect(missing.standardError == "error: /nonexistent-moesim-sweep: does not exist\n")
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let shard = folder.appendingPathComponent("sweep.shard-0-of-1.csv")
    // CRLF line ends, as a spreadsheet saves them: accepted, written back with LF.
    try Data("point,a\r\n0,1\r\n1,2\r\n".utf8).write(to: shard)
    #expect(try cli.moesim(["merge", "--quiet", folder.path]).status == 0)
    let merged = folder.appendingPathComponent("sweep.csv")
    #expect(try String(contentsOf: merged, encoding: .utf8) == "point,a\n0,1\n1,2\n")
    try Data("point,a\n0,1\n1,2,3\n".utf8).write(to: shard)
    let extra = try cli.moesim([
      "merge", folder.path, "--out", folder.appendingPathComponent("o").path,
    ])
    #expect(extra.status == 65)
    #expect(extra.standardError == "error: \(shard.path): row 3 has 3 fields; the header has 2\n")
  }

  @Test func placeAcceptsCRLFAndRefusesBytesThatAreNotUTF8() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let loads = folder.appendingPathComponent("loads.csv")
    try Data("layer,expert,load\r\n0,0,5\r\n0,1,3\r\n".utf8).write(to: loads)
    let crlf = try cli.moesim(["place", loads.path, "--devices", "2"])
    #expect(crlf.status == 0, "\(crlf.standardError)")
    // 0xFE never occurs in UTF-8; it is byte 22, after the 18-byte header line and "0,0,".
    try Data(Array("layer,expert,load\n0,0,".utf8) + [0xFE, 0x0A]).write(to: loads)
    let binary = try cli.moesim(["place", loads.path, "--devices", "2"])
    #expect(binary.status == 65)
    #expect(
      binary.standardError
        == "error: \(loads.path): LOADS file is not UTF-8 text (invalid byte at offset 22)\n")
    #expect(try cli.moesim(["place", loads.path + ".none", "--devices", "2"]).status == 66)
  }

  @Test func aTraceThatIsNotUTF8IsADataError() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("t.csv")
    try Data([0xFF, 0xFF, 0x0A]).write(to: trace)
    let result = try cli.moesim([
      "run", "--quiet", "--out", folder.appendingPathComponent("r").path, "--set",
      "workload.kind=trace", "--set", "workload.trace=\(trace.path)",
    ])
    #expect(result.status == 65)
    #expect(
      result.standardError
        == "error: \(trace.path): trace is not UTF-8 text (invalid byte at offset 0)\n")
  }

  @Test(arguments: ["nan", "inf", "-inf", "1e308", "-1e308"])
  func plotRefusesValuesItCannotPlace(value: String) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("layer,expert,load_share\n0,0,\(value)\n".utf8).write(
      to: folder.appendingPathComponent("experts.csv"))
    let result = try cli.moesim(["plot", folder.path])
    #expect(result.status == 65)
    #expect(
      result.standardError
        == "error: \(folder.path)/experts.csv: row 2: load_share = \(value) cannot be plotted;"
        + " allowed finite numbers within ±1e300\n")
  }
}
