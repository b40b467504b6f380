import Foundation

/// `moesim sweep --points points.csv`: a CSV file (RFC 4180) whose header names scenario keys,
/// one column per key, and whose every row is one coupled set of values, each cell a JSON5
/// value as `--vary` takes it (quote a cell holding commas, e.g. `"{tp: 8, ep: 8}"`). The rows
/// form one `SweepGroup`, crossed with any `--vary` and `--zip` axes.
public enum SweepPointsFile {
  /// The group of the file at `path`.
  /// - Throws: `ScenarioError` naming the file (and row, column): missing or unreadable (exit
  ///   66), not UTF-8, no header, a duplicate or empty column name, a row with a different
  ///   number of fields or an empty cell, or no row (exit 65).
  public static func group(path: String) throws -> SweepGroup {
    let file = "--points \(path)"
    let text: String
    do {
      text = try InputText.contents(path)
    } catch {
      throw ScenarioError(
        file: file, path: "", kind: .unreadable(detail: error.detail),
        isMissingInput: error.isMissingInput)
    }
    let records = CSVTable.parse(text).filter { $0 != [""] }
    let malformed = { (detail: String) in
      ScenarioError(file: file, path: "", kind: .malformed(detail: detail))
    }
    guard let header = records.first else { throw malformed("has no header row") }
    let keys = header.map { $0.trimmingCharacters(in: .whitespaces) }
    if let empty = keys.firstIndex(of: "") {
      throw malformed("column \(empty + 1) of the header has no key name")
    }
    if let duplicate = keys.first(where: { key in keys.filter { $0 == key }.count > 1 }) {
      throw malformed("column '\(duplicate)' appears twice in the header")
    }
    let rows = Array(records.dropFirst())
    guard !rows.isEmpty else { throw malformed("has a header but no row of values") }
    for (number, row) in rows.enumerated() {
      guard row.count == keys.count else {
        throw malformed(
          "row \(number + 2) has \(row.count) fields; the header has \(keys.count)")
      }
      if let empty = row.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        throw malformed(
          "row \(number + 2), column \(keys[empty]) is empty; give a JSON5 value (null for"
            + " the default)")
      }
    }
    return try SweepGroup(
      zipping: keys.enumerated().map { column, key in
        try SweepAxis(
          path: key, values: rows.map { $0[column].trimmingCharacters(in: .whitespaces) },
          source: "\(file) column \(key)")
      })
  }
}
