import Foundation

/// `moesim merge DIR...`: combines the tables of sweep shards (`sweep.shard-I-of-N.csv`, and any
/// `sweep.csv`) found in the given folders into one `sweep.csv`, rows in grid order.
public enum SweepMerge {
  /// What a merge found and wrote.
  public struct Outcome: Sendable, Equatable {
    public var tables: [String]
    public var rows: Int
    public var tablePath: String
  }

  /// The table files of a sweep folder, sorted by name.
  public static func tables(in folder: String) throws -> [String] {
    let entries: [String]
    do {
      entries = try FileManager.default.contentsOfDirectory(atPath: folder)
    } catch {
      var isFolder: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
      throw MergeError(
        path: folder,
        detail: !exists
          ? "does not exist" : isFolder.boolValue ? "cannot be listed" : "is not a folder",
        isMissingInput: true)
    }
    return entries.filter {
      $0 == "sweep.csv" || ($0.hasPrefix("sweep.shard-") && $0.hasSuffix(".csv"))
    }.sorted().map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
  }

  /// Reads every table in `folders`, checks that they share one header and agree on every point
  /// they both hold, and writes the union to `<output>/sweep.csv`.
  /// - Throws: `MergeError` (bad data, exit 65) on a missing table, a header mismatch, a point
  ///   with two different rows, or a gap in the point indices; `OutputError` when writing fails.
  /// A `sweep.csv` already in `output` is replaced only when the folder's `manifest.csv` lists
  /// it with its size (MoESim wrote it) or `force` is set.
  public static func merge(folders: [String], output: String, force: Bool = false) throws
    -> Outcome
  {
    var header: String?
    var headerSource = ""
    var rows: [Int: (line: Substring, source: String)] = [:]
    var files: [String] = []
    if !force {
      try ResultManifest.checkReplaceable(
        "sweep.csv", in: output, hint: "choose another --out, or pass --force to replace it")
    }
    for folder in folders {
      let found = try tables(in: folder)
      guard !found.isEmpty else {
        throw MergeError(path: folder, detail: "holds no sweep.csv or sweep.shard-*.csv")
      }
      files += found
    }
    for file in files {
      let text: String
      do {
        text = try InputText.contents(file)
      } catch {
        throw MergeError(path: file, detail: error.detail, isMissingInput: error.isMissingInput)
      }
      let lines = TextLines.split(text).filter { !$0.isEmpty }
      guard let first = lines.first, first.hasPrefix("point,") else {
        throw MergeError(path: file, detail: "is not a sweep table (no 'point,...' header)")
      }
      if let header, header != String(first) {
        throw MergeError(
          path: file, detail: "has other columns than \(headerSource); were they one sweep?")
      }
      header = String(first)
      headerSource = file
      let columns = fieldCount(first)
      for (offset, line) in lines.enumerated().dropFirst() {
        guard fieldCount(line) == columns else {
          throw MergeError(
            path: file,
            detail: "row \(offset + 1) has \(fieldCount(line)) fields; the header has \(columns)")
        }
        guard let comma = line.firstIndex(of: ","), let point = Int(line[..<comma]), point >= 0
        else {
          throw MergeError(path: file, detail: "row '\(line.prefix(40))' has no point index")
        }
        if let existing = rows[point], existing.line != line {
          throw MergeError(
            path: file, detail: "point \(point) differs from its row in \(existing.source)")
        }
        rows[point] = (line, file)
      }
    }
    try checkAllShardsPresent(files)
    let indices = rows.keys.sorted()
    if let last = indices.last, indices.count != last + 1 {
      let present = Set(indices)
      let missing = (0...last).filter { !present.contains($0) }
      throw MergeError(
        path: folders.joined(separator: " "),
        detail: "points \(missing.prefix(10).map(String.init).joined(separator: ", "))"
          + (missing.count > 10 ? ", ..." : "") + " are missing; run their shards first")
    }
    do {
      try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    } catch {
      throw OutputError(
        .cannotCreate, path: output, detail: ResultFolder.reason(error, creating: output))
    }
    let path = URL(fileURLWithPath: output).appendingPathComponent("sweep.csv").path
    let file = try AtomicFile(path: path)
    try file.write((header ?? "") + "\n")
    for index in indices { try file.write(String(rows[index]?.line ?? "") + "\n") }
    try file.commit()
    try ResultManifest.record("sweep.csv", in: output)
    return Outcome(tables: files, rows: indices.count, tablePath: path)
  }
}

extension SweepMerge {
  /// Every shard `I` of `N` must be there when shard tables are merged: a missing shard's points
  /// may be the last ones, which no gap in the indices would show.
  static func checkAllShardsPresent(_ files: [String]) throws {
    var shardCounts: [Int: Set<Int>] = [:]
    for file in files {
      let name = URL(fileURLWithPath: file).lastPathComponent
      let parts = name.dropFirst("sweep.shard-".count).dropLast(".csv".count)
        .components(separatedBy: "-of-")
      guard name.hasPrefix("sweep.shard-"), parts.count == 2, let index = Int(parts[0]),
        let count = Int(parts[1])
      else { continue }
      shardCounts[count, default: []].insert(index)
    }
    guard shardCounts.count <= 1 else {
      throw MergeError(
        path: files.joined(separator: " "),
        detail: "mixes shard counts \(shardCounts.keys.sorted()); merge one sharding at a time")
    }
    if let (count, present) = shardCounts.first {
      let missing = (0..<count).filter { !present.contains($0) }
      guard missing.isEmpty else {
        throw MergeError(
          path: files.joined(separator: " "),
          detail: "shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are"
            + " missing; run them first (moesim sweep ... --shard I/\(count))")
      }
    }
  }

  /// The fields of a CSV line, commas inside quoted fields not counted.
  static func fieldCount(_ line: Substring) -> Int {
    var quoted = false
    var count = 1
    for character in line.utf8 {
      if character == UInt8(ascii: "\"") {
        quoted.toggle()
      } else if character == UInt8(ascii: ","), !quoted {
        count += 1
      }
    }
    return count
  }
}

/// Shard tables that cannot be merged; the message names the file and the reason.
public struct MergeError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var detail: String
  /// A folder or table is missing or unreadable (exit 66), rather than bad (65).
  public var isMissingInput = false

  public var description: String { "\(path): \(detail)" }
}
