import Foundation
import Testing

@testable import MoESim

/// Runs of the built binary stopped mid-way (SIGINT, SIGKILL) and output failures: every file
/// in the results folder is absent or complete and parseable, and exit statuses follow sysexits.
@Suite struct InterruptionTests {
  let cli = CommandLineTests()
  /// 10⁷ steps of 16 tokens: far longer than any test waits, and a steps.csv of ~9.5 GiB.
  static let endless = ["--set", "workload.steps=1e7", "--set", "workload.tokens_per_step=16"]

  /// Checks that `folder` holds a complete run: every result file, each CSV rectangular with a
  /// header and rows, scenario.json a JSON object.
  func expectCompleteResults(_ folder: URL, files: [String] = RunWriter.files) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == files.sorted())
    for name in names where name.hasSuffix(".csv") {
      let rows = try TestSupport.readCSV(folder.appendingPathComponent(name))
      #expect(rows.count >= 2, "\(name) has a header and rows")
      #expect(rows.allSatisfy { $0.count == rows[0].count }, "\(name) is rectangular")
    }
    let json = try Data(contentsOf: folder.appendingPathComponent("scenario.json"))
    #expect(try JSONSerialization.jsonObject(with: json) is [String: Any])
  }

  /// Starts an endless run into `folder` and waits until its staging steps.csv has data.
  func startEndlessRun(into folder: URL) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["run", "--quiet", "--threads", "1", "--out", folder.path] + Self.endless
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let parent = folder.deletingLastPathComponent()
    let staging = parent.appendingPathComponent(
      ".\(folder.lastPathComponent).partial-\(process.processIdentifier)")
    let trace = staging.appendingPathComponent(".steps.csv.tmp-\(process.processIdentifier)")
    // Polls (not a timed assertion): at most 60 s, normally well under one.
    for _ in 0..<600 {
      let size = (try? FileManager.default.attributesOfItem(atPath: trace.path)[.size] as? Int)
      if let size, size > 0 { break }
      usleep(100_000)
    }
    #expect(FileManager.default.fileExists(atPath: trace.path), "the run got going")
    return (process, errors)
  }

  @Test func sigintKeepsThePreviousResultsAndExits130() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    #expect(
      try cli.moesim(
        ["run", "--quiet", "--out", folder.path] + ResultFolderTests.tiny.flatMap { ["--set", $0] }
      ).status == 0)
    let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
      try Data(contentsOf: folder.appendingPathComponent($0))
    }

    let (process, errors) = try startEndlessRun(into: folder)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationReason == .exit && process.terminationStatus == 130)
    // Announced up front: 10⁷ steps × 7 MoE layers × 145 bytes ≈ 9.5 GiB.
    #expect(message.hasPrefix("warning: steps.csv will hold 70.00M rows (about 9.5 GiB)"))
    #expect(message.contains("error: interrupted after "))
    #expect(message.hasSuffix("\(folder.path) still holds the previous results, unchanged\n"))
    let after = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
      try Data(contentsOf: folder.appendingPathComponent($0))
    }
    #expect(after == before)
    try expectCompleteResults(folder)
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["results"])
  }

  @Test func sigintOnAFirstRunLeavesNoFolder() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    let (process, errors) = try startEndlessRun(into: folder)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130)
    #expect(message.hasSuffix("no results folder was created at \(folder.path)\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  /// Starts `arguments` on the built binary and waits (polling, at most 60 s) until `path`
  /// exists.
  func start(_ arguments: [String], waitingFor path: (Int32) -> String) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let marker = path(process.processIdentifier)
    for _ in 0..<600 where !FileManager.default.fileExists(atPath: marker) { usleep(100_000) }
    #expect(FileManager.default.fileExists(atPath: marker), "the command got going")
    return (process, errors)
  }

  @Test func sigtermAndSighupExitWith128PlusTheSignal() throws {
    for (signalNumber, status) in [(SIGTERM, Int32(143)), (SIGHUP, 129)] {
      let parent = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: parent) }
      let (process, errors) = try startEndlessRun(into: parent.appendingPathComponent("results"))
      kill(process.processIdentifier, signalNumber)
      process.waitUntilExit()
      let message = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(process.terminationReason == .exit && process.terminationStatus == status)
      #expect(message.contains("error: interrupted after "))
      #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }
  }

  /// One step of 2²¹ tokens takes minutes in a debug build; the stop comes from outside the
  /// step, one second after the signal, and still removes the staging folder.
  @Test func aStepThatDoesNotEndIsStoppedAndCleanedUp() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    let (process, errors) = try start(
      [
        "run", "--quiet", "--threads", "1", "--out", folder.path, "--set",
        "workload.tokens_per_step=2097152", "--set", "workload.steps=2", "--set",
        "router.warmup_steps=0",
      ],
      waitingFor: { parent.appendingPathComponent(".results.partial-\($0)").path })
    usleep(300_000)
    let signalled = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let waited = Date().timeIntervalSince(signalled)
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130)
    #expect(message.hasPrefix("error: interrupted; the work under way did not stop within 1 s"))
    // Far below the minutes the step needs; generous for a loaded machine.
    #expect(waited < 20, "stopped \(waited) s after the signal")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  @Test func exportTraceStopsOnSigintAndLeavesNoFile() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let trace = parent.appendingPathComponent("trace.csv")
    let (process, errors) = try start(
      ["export-trace", "--threads", "1", "--out", trace.path] + Self.endless,
      waitingFor: { parent.appendingPathComponent(".trace.csv.tmp-\($0)").path })
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130)
    // Normally noticed after the step under way; on a starved machine the one-second stop from
    // outside may come first. Either way nothing is left.
    #expect(
      message.hasSuffix("partial files removed; no trace was created at \(trace.path)\n")
        || message.contains("did not stop within 1 s"), "\(message)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  @Test func sigkillNeverLeavesAHalfWrittenResultsFolder() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    let (process, _) = try startEndlessRun(into: folder)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    // The destination is absent; only the hidden staging folder remains...
    #expect(!FileManager.default.fileExists(atPath: folder.path))
    // ...and the next run removes it and writes complete results.
    let small = ResultFolderTests.tiny.flatMap { ["--set", $0] }
    #expect(try cli.moesim(["run", "--quiet", "--out", folder.path] + small).status == 0)
    try expectCompleteResults(folder)
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["results"])
  }

  @Test func outputFailuresExit73Or74WithAMessage() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let file = parent.appendingPathComponent("file")
    try Data().write(to: file)
    let underFile = try cli.moesim([
      "run", "--quiet", "--out", file.appendingPathComponent("r").path,
    ])
    #expect(underFile.status == 73)
    #expect(underFile.standardError.hasSuffix("\(file.path) is a file, not a folder\n"))
    let onDevice = try cli.moesim(["run", "--quiet", "--out", "/dev/full"])
    #expect(onDevice.status == 73)
    #expect(
      onDevice.standardError
        == "error: /dev/full: cannot create: exists and is not a folder; choose another --out\n")

    // Standard output on a full disk.
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["params", "--csv"]
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 74)
    #expect(
      String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        == "error: standard output: write failed: No space left on device\n")
  }

  @Test func traceFlagsThinOrSkipTheStepTrace() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let small = ResultFolderTests.tiny.flatMap { ["--set", $0] }
    let thinned = parent.appendingPathComponent("thinned")
    #expect(
      try cli.moesim(["run", "--quiet", "--trace-every", "2", "--out", thinned.path] + small).status
        == 0)
    // 3 steps, every 2nd from step 0: steps 0 and 2, × 7 MoE layers, + header.
    let rows = try TestSupport.readCSV(thinned.appendingPathComponent("steps.csv"))
    #expect(rows.count == 1 + 2 * 7)
    #expect(Set(rows.dropFirst().map { $0[0] }) == ["0", "2"])
    let skipped = parent.appendingPathComponent("skipped")
    #expect(
      try cli.moesim(["run", "--quiet", "--no-step-trace", "--out", skipped.path] + small).status
        == 0)
    try expectCompleteResults(skipped, files: RunOptions(stepTraceEvery: nil).files)
    let both = try cli.moesim(["run", "--no-step-trace", "--trace-every", "2"])
    #expect(both.status == 64)
    #expect(try cli.moesim(["run", "--trace-every", "0"]).status == 64)
  }
}
