import Foundation

/// A results folder written whole or not at all.
///
/// A run writes into a hidden staging sibling, `<parent>/.<name>.partial-<pid>`, and `commit()`
/// renames it into place; a previous results folder is first renamed aside and removed only once
/// the new one is in place. So the destination holds, at every moment, either the previous
/// complete results or the new complete results (or nothing, between the two renames), never a
/// mix. `discard()` (on an error or SIGINT) removes the staging folder and leaves the destination
/// untouched; a staging folder left by a killed run is removed by the next run into the same
/// destination.
///
/// An existing destination is replaced without asking only when it is empty or every entry in
/// it is listed, with its current size, in the `manifest.csv` MoESim wrote (`ResultManifest`);
/// anything else (a user's own file, a result edited since) is refused unless `force` is set,
/// so that `--out ~/notes` cannot wipe a folder, nor a run a file put beside its results.
public struct ResultFolder: Sendable {
  /// Where the results end up.
  public let destination: String
  /// Where they are written meanwhile.
  public let staging: String
  /// Whether the destination existed (and will be replaced) when the run started.
  public let replacesExisting: Bool

  /// Checks the destination, removes stale staging folders and creates a fresh one.
  /// - Throws: `OutputError` `.cannotCreate` when the destination is not a folder, is a foreign
  ///   folder and `force` is false, or when the parent or staging folder cannot be created.
  public init(destination: String, force: Bool) throws {
    let fileManager = FileManager.default
    // Every check below runs on the path with its links resolved, so that a link to the
    // working folder, or a dangling link, is seen for what it is.
    let url = URL(fileURLWithPath: try OutputPath.resolved(destination))
    self.destination = url.path
    let parent = url.deletingLastPathComponent().path
    let name = url.lastPathComponent
    staging =
      URL(fileURLWithPath: parent).appendingPathComponent(
        ".\(name).partial-\(getpid())"
      ).path

    // Replacing `/`, the working folder or one of its ancestors is never what was meant
    // (`--out ""` or `--out .` by mistake), even with `force`.
    let workingFolder = try OutputPath.resolved(fileManager.currentDirectoryPath)
    if url.path == "/" || workingFolder == url.path || workingFolder.hasPrefix(url.path + "/") {
      throw OutputError(
        .cannotCreate, path: self.destination,
        detail: "is the working folder or contains it; choose a folder of its own for --out")
    }
    var isFolder: ObjCBool = false
    if fileManager.fileExists(atPath: self.destination, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw OutputError(
          .cannotCreate, path: self.destination,
          detail: "exists and is not a folder; choose another --out")
      }
      if !force, let foreign = ResultManifest.foreignEntry(in: self.destination) {
        throw OutputError(
          .cannotCreate, path: self.destination,
          detail:
            "exists and holds '\(foreign.entry)', which MoESim did not write (\(foreign.reason));"
            + " choose another --out, or pass --force to replace the whole folder")
      }
      replacesExisting = true
    } else {
      replacesExisting = false
    }
    do {
      try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
    } catch {
      throw OutputError(
        .cannotCreate, path: self.destination,
        detail: "cannot create its parent folder: \(Self.reason(error, creating: parent))")
    }
    Self.removeStaleStaging(in: parent, name: name)
    guard mkdir(staging, 0o755) == 0 else {
      throw OutputError.fromErrno(
        .cannotCreate, path: self.destination, action: "create the staging folder \(staging)")
    }
    ScratchRegistry.shared.add(staging)
  }

  /// The path of file `name` inside the staging folder.
  public func path(_ name: String) -> String {
    URL(fileURLWithPath: staging).appendingPathComponent(name).path
  }

  /// Writes the staging folder's `manifest.csv` and moves the folder into place, replacing the
  /// previous results whole.
  public func commit() throws {
    do {
      try ResultManifest.write(folder: staging)
    } catch {
      discard()
      throw error
    }
    try ScratchRegistry.shared.committing {
      // Two processes finishing into one destination at the same moment take turns, so
      // neither finds the other's folder half-moved.
      let parent = open(URL(fileURLWithPath: destination).deletingLastPathComponent().path, O_RDONLY)
      if parent >= 0 { flock(parent, LOCK_EX) }
      defer { if parent >= 0 { close(parent) } }
      try moveIntoPlace()
    }
    ScratchRegistry.shared.remove(staging)
  }

  /// Replaces the destination with the staging folder: the old folder is moved aside, the new
  /// one renamed in, the old one removed; on failure the old one is put back.
  private func moveIntoPlace() throws {
    let previous = staging.replacingOccurrences(of: ".partial-", with: ".previous-")
    var movedAside = false
    if FileManager.default.fileExists(atPath: destination) {
      guard rename(destination, previous) == 0 else {
        let error = OutputError.fromErrno(.ioError, path: destination, action: "move aside")
        discard()
        throw error
      }
      movedAside = true
    }
    guard rename(staging, destination) == 0 else {
      let error = OutputError.fromErrno(.ioError, path: destination, action: "rename into place")
      if movedAside { rename(previous, destination) }
      discard()
      throw error
    }
    if movedAside { try? FileManager.default.removeItem(atPath: previous) }
  }

  /// Removes the staging folder and everything in it; the destination is left as it was.
  public func discard() {
    try? FileManager.default.removeItem(atPath: staging)
    ScratchRegistry.shared.remove(staging)
  }

  /// Removes `.<name>.partial-<pid>` and `.<name>.previous-<pid>` siblings whose process is gone
  /// (left by a run that was killed).
  static func removeStaleStaging(in parent: String, name: String) {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
    for entry in entries {
      for marker in [".\(name).partial-", ".\(name).previous-"] where entry.hasPrefix(marker) {
        guard let pid = Int32(entry.dropFirst(marker.count)), pid != getpid() else { continue }
        if kill(pid, 0) != 0 && errno == ESRCH {
          try? FileManager.default.removeItem(
            atPath: URL(fileURLWithPath: parent).appendingPathComponent(entry).path)
        }
      }
    }
  }

  /// Why `folder` could not be created: a file in the way, or the system's reason.
  static func reason(_ error: Error, creating folder: String) -> String {
    var ancestor = URL(fileURLWithPath: folder)
    while ancestor.path != "/" {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
        return isFolder.boolValue
          ? (error as NSError).localizedDescription : "\(ancestor.path) is a file, not a folder"
      }
      ancestor.deleteLastPathComponent()
    }
    return (error as NSError).localizedDescription
  }
}
