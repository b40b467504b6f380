import Foundation

/// DeepSeek EPLB's input, `weight` of shape [layers, logical experts] (deepseek-ai/EPLB,
/// `eplb.py`, `rebalance_experts`: "the load statistics for all logical experts"), in three
/// file forms: a CSV matrix (one row per layer, one number per expert, no header), JSON (a
/// nested list, bare or as `{"weight": [[...]]}`), or `.npy` (2-D, or 3-D summed over the
/// first axis). Row `i` is layer `i`.
public enum EPLBWeight {
  /// Reads the CSV matrix at `path`; errors name the line and the column.
  public static func readCSV(path: String) throws -> ExpertLoadTable {
    var lines = try RecordedFile.text(path).split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    while lines.last?.isEmpty == true { lines.removeLast() }
    guard let first = lines.first else {
      throw TraceError(file: path, line: nil, message: "empty; expected one row of loads per layer")
    }
    let experts = first.split(separator: ",", omittingEmptySubsequences: false).count
    var values: [Double] = []
    for (index, line) in lines.enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == experts else {
        throw TraceError(
          file: path, line: index + 1,
          message: "\(fields.count) loads; the first row has \(experts) (one per expert)")
      }
      for (expert, field) in fields.enumerated() {
        guard let value = Double(field.trimmingCharacters(in: .whitespaces)) else {
          throw TraceError(
            file: path, line: index + 1,
            message: "expert \(expert): '\(field)' is not a number (the matrix has no header)")
        }
        values.append(value)
      }
    }
    let tensor = RecordedTensor(shape: [lines.count, experts], values: values)
    return try ExpertLoadTable(tensor: tensor, file: path, name: "weight")
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
