import Foundation

/// SGLang's expert distribution record as JSON (sgl-project/sglang,
/// `python/sglang/srt/eplb/expert_distribution.py`, `_StatAccumulator.dump`: a dict with
/// `rank`, `logical_count` of shape [buffered steps, layers, logical experts] and
/// `average_utilization_rate_over_window`), the form SGLang's own `--init-expert-location`
/// loader reads (`python/sglang/srt/eplb/expert_location.py`,
/// `compute_initial_expert_location_metadata` and `init_by_eplb`, which also takes a
/// [layers, experts] `logical_count` and sums over the steps). Row `i` is model layer `i`
/// (dense layers, if recorded, have zero counts).
public enum SGLangExpertDistribution {
  static let keys = [
    "logical_count", "rank", "average_utilization_rate_over_window", "physical_to_logical_map",
  ]

  /// The per-expert loads of the JSON file at `path`, summed over its steps.
  public static func read(path: String) throws -> ExpertLoadTable {
    let root = try parse(RecordedFile.bytes(path), file: path)
    guard case .object(let fields) = root else {
      throw TraceError(
        file: path, line: nil,
        message: "the top level is \(root.typeName); expected an object "
          + "with logical_count (SGLang's expert distribution record)")
    }
    if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
      throw TraceError(
        file: path, line: nil,
        message:
          "\(unknown) is not a key of SGLang's record; allowed \(keys.joined(separator: ", "))")
    }
    guard let counts = fields["logical_count"] else {
      let reason =
        fields["physical_to_logical_map"] != nil
        ? "it holds a placement (physical_to_logical_map), not loads" : "no loads"
      throw TraceError(
        file: path, line: nil, message: "logical_count is required but missing (\(reason))")
    }
    let tensor = try RecordedTensor.fromJSON(counts, file: path, path: "logical_count")
    return try ExpertLoadTable(tensor: tensor, file: path, name: "logical_count")
  }

  /// JSON text to a value tree, a syntax error becoming a one-line bad-data error.
  static func parse(_ data: Data, file: String) throws -> JSONValue {
    do {
      return try JSONValue.parseJSON5(data)
    } catch {
      throw TraceError(file: file, line: nil, message: "not valid JSON: \(jsonProblem(error))")
    }
  }
}

/// The useful part of a JSON decoder's error: its debug description, not the coding path.
func jsonProblem(_ error: Error) -> String {
  if case DecodingError.dataCorrupted(let context) = error {
    return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
      ?? context.debugDescription
  }
  return "\(error)"
}
