import Foundation
import Testing

@testable import MoESim

/// The results folder is replaced whole or not at all, and output failures are clean errors.
@Suite struct ResultFolderTests {
  /// The quickstart cut to 3 steps of 64 tokens: these tests are about files, not routing.
  static let tiny = [
    "workload.tokens_per_step=64", "workload.steps=3", "workload.sequence_length=16",
  ]
  let scenario = { try TestSupport.quickstart(ResultFolderTests.tiny) }

  func entries(_ folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  func contents(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try entries(folder) {
      files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    return files
  }

  @Test func aNewRunReplacesThePreviousResultsWhole() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    try RunWriter.run(try scenario(), folder: folder.path, threads: 1)
    #expect(try entries(folder).contains("steps.csv"))
    // Without a step trace, the old steps.csv must not survive next to the new summary.
    try RunWriter.run(
      try scenario(), folder: folder.path, threads: 1, options: RunOptions(stepTraceEvery: nil))
    #expect(try entries(folder) == RunOptions(stepTraceEvery: nil).files.sorted())
    // Nothing but the results folder is left in the parent: no staging or set-aside folder.
    #expect(try entries(parent) == ["results"])
  }

  @Test func aForeignFolderIsRefusedWithoutForce() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
    let error = try #require(throws: OutputError.self) {
      try RunWriter.run(try scenario(), folder: folder.path, threads: 1)
    }
    #expect(error.kind == .cannotCreate)
    #expect(error.description.contains("holds 'notes.txt', which MoESim did not write"))
    #expect(error.description.contains("--force"))
    #expect(try entries(folder) == ["notes.txt"])

    try RunWriter.run(
      try scenario(), folder: folder.path, threads: 1, options: RunOptions(force: true))
    #expect(try entries(folder) == RunWriter.files.sorted())
  }

  @Test func anInterruptedRunLeavesThePreviousResultsUntouched() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    try RunWriter.run(try scenario(), folder: folder.path, threads: 1)
    let before = try contents(folder)
    var reseeded = try scenario()
    reseeded.seed += 1
    let error = try #require(throws: RunInterrupted.self) {
      try RunWriter.run(reseeded, folder: folder.path, threads: 1) { _ in
      } shouldStop: {
        true
      }
    }
    // `tiny` runs 3 steps; the request is seen after the first.
    #expect(error.stepsDone == 1 && error.steps == 3 && error.keptPrevious)
    #expect(error.description.hasSuffix("still holds the previous results, unchanged"))
    #expect(try contents(folder) == before)
    #expect(try entries(parent) == ["results"])
  }

  @Test func anInterruptedFirstRunCreatesNothing() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("results")
    #expect(throws: RunInterrupted.self) {
      try RunWriter.run(try scenario(), folder: folder.path, threads: 1) { _ in
      } shouldStop: {
        true
      }
    }
    #expect(try entries(parent).isEmpty)
  }

  @Test func aStagingFolderLeftByAKilledRunIsRemoved() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    // No process has pid Int32.max (Linux caps pids at 2^22).
    let stale = parent.appendingPathComponent(".results.partial-\(Int32.max)")
    try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
    try RunWriter.run(
      try scenario(), folder: parent.appendingPathComponent("results").path, threads: 1)
    #expect(try entries(parent) == ["results"])
  }

  @Test func aDestinationThatIsAFileOrUnderAFileCannotBeCreated() throws {
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    let file = parent.appendingPathComponent("file")
    try Data().write(to: file)
    let onFile = try #require(throws: OutputError.self) {
      try RunWriter.run(try scenario(), folder: file.path, threads: 1)
    }
    #expect(onFile.kind == .cannotCreate)
    #expect(
      onFile.description
        == "\(file.path): cannot create: exists and is not a folder; choose another --out")
    let under = file.appendingPathComponent("a/results").path
    let underFile = try #require(throws: OutputError.self) {
      try RunWriter.run(try scenario(), folder: under, threads: 1)
    }
    #expect(underFile.kind == .cannotCreate)
    #expect(underFile.description.hasSuffix("\(file.path) is a file, not a folder"))
  }

  @Test func aReadOnlyFolderCannotBeCreated() throws {
    // Root ignores permission bits, so as root a read-only system folder stands in.
    let parent = try TestSupport.temporaryFolder()
    defer {
      chmod(parent.path, 0o755)
      try? FileManager.default.removeItem(at: parent)
    }
    chmod(parent.path, 0o555)
    let readOnly = geteuid() == 0 ? URL(fileURLWithPath: "/sys") : parent
    let error = try #require(throws: OutputError.self) {
      try RunWriter.run(
        try scenario(), folder: readOnly.appendingPathComponent("results").path, threads: 1)
    }
    #expect(error.kind == .cannotCreate)
    #expect(error.description.contains("create the staging folder"))
  }

  @Test func aFullDiskIsAnIOErrorAndLeavesNoFile() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // AtomicFile writes to `.<name>.tmp-<pid>`; pointing that name at /dev/full makes every
    // write fail with ENOSPC, as on a full disk.
    let temporary = folder.appendingPathComponent(".x.csv.tmp-\(getpid())")
    try FileManager.default.createSymbolicLink(
      atPath: temporary.path, withDestinationPath: "/dev/full")
    let error = try #require(throws: OutputError.self) {
      let file = try AtomicFile(path: folder.appendingPathComponent("x.csv").path)
      try file.write(String(repeating: "row\n", count: 1 << 15))
      try file.commit()
    }
    #expect(error.kind == .ioError)
    #expect(error.description.contains("No space left on device"))
    #expect(try entries(folder).isEmpty)
  }

  @Test func theWorkingFolderAndItsAncestorsAreNeverReplaced() throws {
    let working = FileManager.default.currentDirectoryPath
    let parent = URL(fileURLWithPath: working).deletingLastPathComponent().path
    for destination in ["", ".", working, parent, "/"] {
      let error = try #require(throws: OutputError.self, "\(destination)") {
        try ResultFolder(destination: destination, force: true)
      }
      #expect(error.kind == .cannotCreate)
      #expect(
        error.description.hasSuffix(
          "is the working folder or contains it; choose a folder of its own for --out"))
    }
  }
}
