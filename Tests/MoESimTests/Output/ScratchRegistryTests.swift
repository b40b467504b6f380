import Foundation
import Testing

@testable import MoESim

/// The registry of temporary outputs a process removes when it must stop at once.
@Suite struct ScratchRegistryTests {
  @Test func removesWhatIsStillRecordedAndNothingElse() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let kept = folder.appendingPathComponent("kept.csv").path
    let scratch = folder.appendingPathComponent(".x.tmp-1").path
    let staging = folder.appendingPathComponent(".r.partial-1")
    for path in [kept, scratch] { _ = FileManager.default.createFile(atPath: path, contents: Data()) }
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    _ = FileManager.default.createFile(
      atPath: staging.appendingPathComponent("steps.csv").path, contents: Data())

    let registry = ScratchRegistry()
    registry.add(kept)
    registry.add(scratch)
    registry.add(staging.path)
    registry.remove(kept)
    #expect(registry.current == [scratch, staging.path].sorted())
    registry.removeAllAndHold()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["kept.csv"])
  }

  @Test func outputsAreRecordedOnlyWhileBeingWritten() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = try ResultFolder(
      destination: folder.appendingPathComponent("r").path, force: false)
    #expect(ScratchRegistry.shared.current.contains(results.staging))
    let file = try AtomicFile(path: results.path("a.csv"))
    #expect(ScratchRegistry.shared.current.contains(file.temporaryPath))
    try file.write("x\n")
    try file.commit()
    #expect(!ScratchRegistry.shared.current.contains(file.temporaryPath))
    try results.commit()
    #expect(!ScratchRegistry.shared.current.contains(results.staging))
    let discarded = try ResultFolder(
      destination: folder.appendingPathComponent("s").path, force: false)
    discarded.discard()
    #expect(!ScratchRegistry.shared.current.contains(discarded.staging))
  }
}
