import Foundation

/// Per-rank expert loads from Megatron-Core training as JSON Lines. Megatron-Core's token
/// dispatchers count `tokens_per_expert` for the local experts of each expert-parallel rank
/// (NVIDIA/Megatron-LM, `megatron/core/transformer/moe/token_dispatcher.py`; rank `r` holds
/// experts `r·n … r·n + n − 1`, its contiguous `local_expert_indices`) but write no file of
/// them, so this is the line a training hook dumps: one JSON object per line,
/// `{"iteration": 7, "layer": 3, "ep_rank": 1, "tokens_per_expert": [...]}`, with
/// `iteration` optional and `ep_rank` optional (absent: the list covers all experts). Loads
/// are summed over lines; every line must list the same number of experts; errors name the
/// line.
public enum MegatronTokensPerExpert {
  static let keys = ["iteration", "layer", "ep_rank", "tokens_per_expert"]

  /// Reads the JSON Lines file at `path`.
  public static func read(path: String) throws -> ExpertLoadTable {
    var perLine: Int?
    var ranks = 0
    var records: [(line: Int, layer: Int, rank: Int?, counts: [Double])] = []
    for (number, fields) in try JSONLines.objects(path: path, keys: keys) {
      func fail(_ message: String) -> TraceError {
        TraceError(file: path, line: number, message: message)
      }
      guard case .integer(let layer) = fields["layer"], layer >= 0 else {
        throw fail("layer = \(fields["layer"]?.rendered ?? "(missing)"); expected an integer ≥ 0")
      }
      var rank: Int?
      if let raw = fields["ep_rank"] {
        guard case .integer(let value) = raw, (0..<ScenarioLimits.experts).contains(value) else {
          throw fail("ep_rank = \(raw.rendered); expected an integer ≥ 0")
        }
        rank = value
        ranks = max(ranks, value + 1)
      }
      if let raw = fields["iteration"] {
        guard case .integer = raw else {
          throw fail("iteration = \(raw.rendered); expected an integer")
        }
      }
      guard let list = fields["tokens_per_expert"] else {
        throw fail("tokens_per_expert is required but missing")
      }
      let tensor = try RecordedTensor.fromJSON(
        list, file: "\(path):\(number)", path: "tokens_per_expert")
      guard tensor.shape.count == 1, tensor.shape[0] >= 1 else {
        throw fail("tokens_per_expert is not a non-empty list of numbers")
      }
      if let bad = tensor.values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
        throw fail("tokens_per_expert[\(bad)] = \(tensor.values[bad]) is out of range; allowed ≥ 0")
      }
      guard perLine == nil || perLine == tensor.shape[0] else {
        throw fail("\(tensor.shape[0]) experts; the first line lists \(perLine!)")
      }
      perLine = tensor.shape[0]
      records.append((number, layer, rank, tensor.values))
    }
    guard let local = perLine else {
      throw TraceError(
        file: path, line: nil, message: "no records; expected one JSON object per line")
    }
    let hasRanks = records.contains { $0.rank != nil }
    if let mixed = records.first(where: { ($0.rank != nil) != hasRanks }) {
      throw TraceError(
        file: path, line: mixed.line, message: "ep_rank is on some lines and not others")
    }
    let experts = hasRanks ? local * ranks : local
    guard experts <= ScenarioLimits.experts else {
      throw TraceError(
        file: path, line: nil, message: "\(experts) experts; allowed ≤ \(ScenarioLimits.experts)")
    }
    let layers = Set(records.map(\.layer)).sorted()
    var loads = [[Double]](repeating: [Double](repeating: 0, count: experts), count: layers.count)
    let rowOfLayer = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
    for record in records {
      let row = rowOfLayer[record.layer] ?? 0
      let offset = (record.rank ?? 0) * local
      for (index, count) in record.counts.enumerated() { loads[row][offset + index] += count }
    }
    return ExpertLoadTable(layers: layers, experts: experts, loads: loads)
  }
}
