import Foundation

/// DeepSeek EPLB's input, `weight` of shape [layers, logical experts] (deepseek-ai/EPLB,
/// `eplb.py`, `rebalance_experts`: "the load statistics for all logical experts"), in three
/// file forms: a CSV matrix (one row per layer, one number per expert, no header), JSON (a
/// nested list, bare or as `{"weight": [[...]]}`), or `.npy` (2-D, or 3-D summed over the
/// first axis). Row `i` is layer `i`.
public enum EPLBWeight {
  /// Reads the CSV matrix at `path`; errors name the line and the column. The bytes are
  /// scanned once and every load is checked as it is read, so a bad value near the top of a
  /// large file is refused at once; `\r\n` line ends and trailing empty lines are accepted.
  public static func readCSV(path: String) throws -> ExpertLoadTable {
    let bytes = try RecordedFile.bytes(path)
    var loads: [[Double]] = []
    try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var emptyLine: Int? = nil
      var lineStart = 0
      var line = 0
      while lineStart < buffer.count {
        line += 1
        var lineEnd = lineStart
        while lineEnd < buffer.count, buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var contentEnd = lineEnd
        if contentEnd > lineStart, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
        defer { lineStart = lineEnd + 1 }
        if contentEnd == lineStart {
          emptyLine = emptyLine ?? line
          continue
        }
        if let emptyLine {
          throw TraceError(
            file: path, line: emptyLine,
            message: "an empty row; every layer's row holds one load per expert")
        }
        let row = try readRow(
          UnsafeRawBufferPointer(rebasing: buffer[lineStart..<contentEnd]),
          expected: loads.first?.count, file: path, line: line)
        loads.append(row)
      }
    }
    guard let first = loads.first else {
      throw TraceError(file: path, line: nil, message: "empty; expected one row of loads per layer")
    }
    return ExpertLoadTable(layers: Array(loads.indices), experts: first.count, loads: loads)
  }

  /// One row's comma-separated loads, each a finite number ≥ 0; `expected` is the first row's
  /// count (nil on the first row, which may hold up to `ScenarioLimits.experts`).
  private static func readRow(
    _ bytes: UnsafeRawBufferPointer, expected: Int?, file: String, line: Int
  ) throws -> [Double] {
    var row: [Double] = []
    row.reserveCapacity(expected ?? 0)
    var fieldStart = 0
    while fieldStart <= bytes.count {
      var fieldEnd = fieldStart
      while fieldEnd < bytes.count, bytes[fieldEnd] != UInt8(ascii: ",") { fieldEnd += 1 }
      let field = String(decoding: bytes[fieldStart..<fieldEnd], as: UTF8.self)
      let expert = row.count
      guard expert < (expected ?? ScenarioLimits.experts) else {
        let fields = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: ",") ? 1 : 0) }
        throw TraceError(
          file: file, line: line,
          message: expected.map { "\(fields) loads; the first row has \($0) (one per expert)" }
            ?? "\(fields) loads; at most \(ScenarioLimits.experts) experts are allowed")
      }
      guard let value = Double(field.trimmingCharacters(in: .whitespaces)) else {
        throw TraceError(
          file: file, line: line,
          message: "expert \(expert): '\(field)' is not a number (the matrix has no header)")
      }
      guard value.isFinite, value >= 0 else {
        throw TraceError(
          file: file, line: line,
          message: "expert \(expert): \(field.trimmingCharacters(in: .whitespaces)) is out of "
            + "range; allowed a finite load ≥ 0")
      }
      row.append(value + 0)  // -0 as 0
      fieldStart = fieldEnd + 1
    }
    if let expected, row.count != expected {
      throw TraceError(
        file: file, line: line,
        message: "\(row.count) loads; the first row has \(expected) (one per expert)")
    }
    return row
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
