import Foundation
import Testing

@testable import MoESim

/// What a user owns is never destroyed: outputs over special files, links to the working
/// folder, and files MoESim did not write, through the built binary.
@Suite struct OutputSafetyCommandTests {
  let cli = CommandLineTests()
  /// A run small enough to take a fraction of a second.
  static let small = [
    "--set", "model.layers=2", "--set", "workload.steps=2", "--set",
    "workload.tokens_per_step=16", "--set", "workload.vocab_size=64",
  ]

  @Test func exportTraceRefusesAFIFOAFolderAndADanglingLinkBeforeRunning() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o644) == 0)
    let directory = folder.appendingPathComponent("dir").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let link = folder.appendingPathComponent("link").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "nowhere")
    let cases = [
      (fifo, "error: \(fifo): cannot create: is a FIFO (named pipe), not a regular file;"),
      (directory, "error: \(directory): cannot create: is a folder, not a regular file;"),
      (
        link,
        "error: \(link): cannot create: \(link) is a symbolic link to 'nowhere', which does not"
      ),
    ]
    for (target, message) in cases {
      // `workload.steps=1e7` would take minutes: refused up front, the run never starts.
      let result = try cli.moesim(
        ["export-trace", "--out", target] + Self.small + ["--set", "workload.steps=1e7"])
      #expect(result.status == 73, "\(target)")
      #expect(result.standardError.hasPrefix(message), "\(result.standardError)")
    }
    var status = stat()
    #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the FIFO is kept")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "nowhere")
    // Only what the test made: no temporary file left behind.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        == ["dir", "fifo", "link"])
    let device = try cli.moesim(["export-trace", "--out", "/dev/null"] + Self.small)
    #expect(device.status == 73)
    #expect(
      device.standardError
        == "error: /dev/null: cannot create: is a character device, not a regular file;"
        + " name a new or regular file\n")
  }

  @Test func aDanglingOutLinkIsRefusedBeforeTheRun() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let link = folder.appendingPathComponent("link").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "gone")
    let result = try cli.moesim(
      ["run", "--quiet", "--no-step-trace", "--out", link] + Self.small
        + ["--set", "workload.steps=1e7"])
    #expect(result.status == 73)
    #expect(
      result.standardError
        == "error: \(link): cannot create: \(link) is a symbolic link to 'gone', which does not"
        + " exist; remove the link or name its target\n")
  }

  /// `cd v/cwd && moesim run --force --out link/cwd` with `link → ..`: the path is the working
  /// folder once the link is resolved.
  @Test func aLinkedPathToTheWorkingFolderIsRefusedEvenWithForce() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let working = root.appendingPathComponent("v/cwd")
    try FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("v/link").path, withDestinationPath: ".")
    try Data("keep".utf8).write(to: working.appendingPathComponent("notes.txt"))
    let result = try cli.moesim(
      ["run", "--quiet", "--force", "--out", "../link/cwd"] + Self.small, in: working)
    #expect(result.status == 73)
    #expect(
      result.standardError
        == "error: \(working.path): cannot create: is the working folder or contains it;"
        + " choose a folder of its own for --out\n")
    #expect(
      try String(contentsOf: working.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep"
    )
  }

  @Test func aUsersFileInAResultsFolderSurvivesTheNextRun() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let results = root.appendingPathComponent("r")
    #expect(try cli.moesim(["run", "--quiet", "--out", results.path] + Self.small).status == 0)
    // A .csv is no longer MoESim's by its extension: only manifest.csv says what is.
    let mine = results.appendingPathComponent("my-analysis.csv")
    try Data("a,b\n1,2\n".utf8).write(to: mine)
    let refused = try cli.moesim(["run", "--quiet", "--out", results.path] + Self.small)
    #expect(refused.status == 73)
    #expect(
      refused.standardError
        == "error: \(results.path): cannot create: exists and holds 'my-analysis.csv', which"
        + " MoESim did not write (manifest.csv does not list it); choose another --out, or pass"
        + " --force to replace the whole folder\n")
    #expect(try String(contentsOf: mine, encoding: .utf8) == "a,b\n1,2\n")
    try FileManager.default.removeItem(at: mine)
    // A result edited since the run is the user's too (its size no longer matches).
    let summary = results.appendingPathComponent("summary.csv")
    let handle = try FileHandle(forWritingTo: summary)
    handle.seekToEndOfFile()
    handle.write(Data("note\n".utf8))
    try handle.close()
    let edited = try cli.moesim(["run", "--quiet", "--out", results.path] + Self.small)
    #expect(edited.status == 73)
    #expect(
      edited.standardError.contains("holds 'summary.csv', which MoESim did not write (it has"))
    // The charts `plot` adds are recorded, so after --force and plot a run replaces the folder.
    #expect(
      try cli.moesim(["run", "--quiet", "--force", "--out", results.path] + Self.small).status
        == 0)
    #expect(try cli.moesim(["plot", "--quiet", results.path]).status == 0)
    #expect(try cli.moesim(["run", "--quiet", "--out", results.path] + Self.small).status == 0)
  }

  @Test func mergeKeepsAUsersOwnSweepTable() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let shards = root.appendingPathComponent("s")
    let out = root.appendingPathComponent("mine")
    for folder in [shards, out] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    try Data("point,a\n0,1\n".utf8).write(
      to: shards.appendingPathComponent("sweep.shard-0-of-1.csv"))
    let table = out.appendingPathComponent("sweep.csv")
    try Data("my own table\n".utf8).write(to: table)
    let refused = try cli.moesim(["merge", shards.path, "--out", out.path])
    #expect(refused.status == 73)
    #expect(
      refused.standardError
        == "error: \(table.path): cannot create: exists and MoESim did not write it (there is no"
        + " manifest.csv listing what MoESim wrote); choose another --out, or pass --force to"
        + " replace it\n")
    #expect(try String(contentsOf: table, encoding: .utf8) == "my own table\n")
    // A table merge wrote itself is recorded, so merging again replaces it without --force.
    let fresh = root.appendingPathComponent("fresh")
    #expect(try cli.moesim(["merge", "--quiet", shards.path, "--out", fresh.path]).status == 0)
    #expect(try cli.moesim(["merge", "--quiet", shards.path, "--out", fresh.path]).status == 0)
    #expect(
      try cli.moesim(["merge", "--quiet", "--force", shards.path, "--out", out.path]).status == 0)
    #expect(try String(contentsOf: table, encoding: .utf8) == "point,a\n0,1\n")
  }

  /// `sweep` and `compare` write their tables into a folder the user names: a table of the same
  /// name that MoESim did not write is refused before any point or variant runs.
  @Test func sweepAndCompareKeepAUsersOwnTable() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    for (name, arguments) in [
      ("sweep.csv", ["sweep", "--vary", "seed=1,2"] + Self.small),
      ("comparison.csv", ["compare", "--no-run"]),
    ] {
      let folder = root.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let table = folder.appendingPathComponent(name)
      try Data("mine\n".utf8).write(to: table)
      let result = try cli.moesim(arguments + ["--quiet", "--out", folder.path])
      #expect(result.status == 73, "\(name)")
      #expect(
        result.standardError
          == "error: \(table.path): cannot create: exists and MoESim did not write it (there is"
          + " no manifest.csv listing what MoESim wrote); choose another --out, or move the file"
          + " away\n")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
      #expect(try String(contentsOf: table, encoding: .utf8) == "mine\n")
    }
  }
}
