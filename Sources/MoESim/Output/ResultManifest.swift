import Foundation

/// `manifest.csv`: the files MoESim wrote into a folder, with their sizes (`file,bytes`).
///
/// Ownership of what is in an output folder comes from here, never from file names or
/// extensions: a file is MoESim's to replace only when the manifest lists it with the size it
/// has now. A user's own file placed in a results folder, or a result file edited since, is
/// therefore never deleted or overwritten without `--force`.
public enum ResultManifest {
  /// The manifest's file name.
  public static let name = "manifest.csv"
  static let columns = ["file", "bytes"]
  /// The lock file through which processes sharing a folder take turns updating its manifest;
  /// it is MoESim's, and not itself listed.
  static let lockName = ".\(name).lock"

  /// Writes the manifest of `folder`: every regular file in it (but the manifest), sorted by
  /// name, with its size in bytes.
  public static func write(folder: String) throws {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0 != name && $0 != lockName && size(of: path(folder, $0)) != nil }.sorted()
    try write(names.map { ($0, size(of: path(folder, $0)) ?? 0) }, folder: folder)
  }

  /// The files the manifest of `folder` lists, with their recorded sizes; nil when there is
  /// no manifest or it is not one.
  public static func read(folder: String) -> [String: Int]? {
    guard let text = try? String(contentsOfFile: path(folder, name), encoding: .utf8) else {
      return nil
    }
    let lines = TextLines.split(text)
    guard lines.first == Substring(columns.joined(separator: ",")) else { return nil }
    var entries: [String: Int] = [:]
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 2, let bytes = Int(fields[1]) else { return nil }
      entries[String(fields[0])] = bytes
    }
    return entries
  }

  /// Why the entry `entry` of `folder` is not MoESim's to replace, or nil when it is: listed in
  /// the manifest, a regular file, and of the recorded size.
  public static func foreignReason(_ entry: String, in folder: String, manifest: [String: Int]?)
    -> String?
  {
    guard let manifest else { return "there is no \(name) listing what MoESim wrote" }
    guard let recorded = manifest[entry] else { return "\(name) does not list it" }
    guard let bytes = size(of: path(folder, entry)) else { return "it is not a regular file" }
    guard bytes == recorded else {
      return "it has \(bytes) bytes, not the \(recorded) MoESim wrote; it was changed since"
    }
    return nil
  }

  /// The first entry of `folder` (by name) that MoESim did not write, with the reason; nil when
  /// the folder is empty or holds only files its manifest lists with their sizes.
  public static func foreignEntry(in folder: String) -> (entry: String, reason: String)? {
    let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    let manifest = read(folder: folder)
    for entry in entries where entry != name && entry != lockName {
      if let reason = foreignReason(entry, in: folder, manifest: manifest) {
        return (entry, reason)
      }
    }
    return nil
  }

  /// Refuses to replace `file` in `folder` when it exists and MoESim did not write it.
  /// - Throws: `OutputError` `.cannotCreate` naming the file and the reason.
  public static func checkReplaceable(_ file: String, in folder: String, hint: String) throws {
    guard OutputPath.entryKind(path(folder, file)) != nil else { return }
    if let reason = foreignReason(file, in: folder, manifest: read(folder: folder)) {
      throw OutputError(
        .cannotCreate, path: path(folder, file),
        detail: "exists and MoESim did not write it (\(reason)); \(hint)")
    }
  }

  /// Records `file` of `folder` (just written) in the folder's manifest, keeping the other rows.
  /// Processes sharing the folder (sweep shards) take turns through a lock file.
  public static func record(_ file: String, in folder: String) throws {
    let lockPath = path(folder, lockName)
    let lock = open(lockPath, O_CREAT | O_RDWR, 0o644)
    guard lock >= 0 else {
      throw OutputError.fromErrno(.cannotCreate, path: lockPath, action: "open")
    }
    defer { close(lock) }
    flock(lock, LOCK_EX)
    defer { flock(lock, LOCK_UN) }
    var entries = read(folder: folder) ?? [:]
    entries[file] = size(of: path(folder, file)) ?? 0
    try write(entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, folder: folder)
  }

  private static func write(_ entries: [(String, Int)], folder: String) throws {
    let file = try CSVWriter(path: path(folder, name), columns: columns)
    for (entry, bytes) in entries { try file.write([.text(entry), .integer(bytes)]) }
    try file.commit()
  }

  /// The size of a regular file (not following a link), or nil for anything else.
  static func size(of path: String) -> Int? {
    var status = stat()
    guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(status.st_size)
  }

  private static func path(_ folder: String, _ entry: String) -> String {
    URL(fileURLWithPath: folder).appendingPathComponent(entry).path
  }
}
