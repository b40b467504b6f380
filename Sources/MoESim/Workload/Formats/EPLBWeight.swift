import Foundation

/// DeepSeek EPLB's input, `weight` of shape [layers, logical experts] (deepseek-ai/EPLB,
/// `eplb.py`, `rebalance_experts`: "the load statistics for all logical experts"), in three
/// file forms: a CSV matrix (one row per layer, one number per expert, no header), JSON (a
/// nested list, bare or as `{"weight": [[...]]}`), or `.npy` (2-D, or 3-D summed over the
/// first axis). Row `i` is layer `i`.
public enum EPLBWeight {
  /// Reads the CSV matrix at `path`; errors name the line and the column. The file is streamed
  /// line by line (`RecordedFile.forEachLine`) and every load is checked as it is read, so a bad
  /// value near the top of a large file is refused at once; `\r\n` line ends and trailing empty
  /// lines are accepted, an empty line between rows is not.
  public static func readCSV(path: String) throws -> ExpertLoadTable {
    var loads: [[Double]] = []
    try RecordedFile.forEachLine(path) { line, text in
      guard !text.isEmpty else {
        throw TraceError(
          file: path, line: line,
          message: "an empty row; every layer's row holds one load per expert")
      }
      loads.append(try readRow(text, expected: loads.first?.count, file: path, line: line))
    }
    guard let first = loads.first else {
      throw TraceError(file: path, line: nil, message: "empty; expected one row of loads per layer")
    }
    return ExpertLoadTable(layers: Array(loads.indices), experts: first.count, loads: loads)
  }

  /// One row's comma-separated loads, each a finite number ≥ 0; `expected` is the first row's
  /// count (nil on the first row, which may hold up to `ScenarioLimits.experts`).
  private static func readRow(_ text: Substring, expected: Int?, file: String, line: Int) throws
    -> [Double]
  {
    let fields = text.split(separator: ",", omittingEmptySubsequences: false)
    guard fields.count == expected ?? min(fields.count, ScenarioLimits.experts) else {
      throw TraceError(
        file: file, line: line,
        message: expected.map { "\(fields.count) loads; the first row has \($0) (one per expert)" }
          ?? "\(fields.count) loads; at most \(ScenarioLimits.experts) experts are allowed")
    }
    return try fields.enumerated().map { expert, field in
      let trimmed = TraceRowReader.trimmed(field)
      guard let value = Double(trimmed) else {
        throw TraceError(
          file: file, line: line,
          message: "expert \(expert): '\(field)' is not a number (the matrix has no header)")
      }
      guard value.isFinite, value >= 0 else {
        throw TraceError(
          file: file, line: line,
          message: "expert \(expert): \(trimmed) is out of range; allowed a finite load ≥ 0")
      }
      return value + 0  // -0 as 0
    }
  }

  /// Reads the JSON file at `path`: a nested list, or an object whose only key is `weight`.
  public static func readJSON(path: String) throws -> ExpertLoadTable {
    var root = try SGLangExpertDistribution.parse(RecordedFile.bytes(path), file: path)
    if case .object(let fields) = root {
      guard fields.keys.sorted() == ["weight"], let weight = fields["weight"] else {
        throw TraceError(
          file: path, line: nil,
          message: "keys \(fields.keys.sorted().joined(separator: ", ")); an EPLB weight file "
            + "has only weight ([layers, experts])")
      }
      root = weight
    }
    let tensor = try RecordedTensor.fromJSON(root, file: path, path: "weight")
    return try ExpertLoadTable(tensor: tensor, file: path, name: "weight")
  }

  /// Reads the `.npy` array at `path`.
  public static func readNumpy(path: String) throws -> ExpertLoadTable {
    try ExpertLoadTable(tensor: NumpyArray.read(path: path), file: path, name: "array")
  }
}
