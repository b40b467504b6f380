import Foundation

/// The moe-balance routing trace (johanna-rock/moe-balance, `sim/trace_format.md`): JSON Lines,
/// one object per batch and layer, with `layer` (integer), `batch_id` (integer), `topk_experts`
/// [tokens][k] expert ids and optional `topk_weights` [tokens][k] gates; `origin_rows`,
/// `request_id` and `source_file` are accepted and not used. Replayed as a decisions trace: the
/// batches, by increasing `batch_id`, are steps 0, 1, …; each must hold `tokens_per_step` tokens
/// and have one line for every MoE layer; `layer` is the layer's block index (as in `steps.csv`),
/// or its ordinal among the MoE layers when every id is `0 … moeLayers − 1` and some is not an
/// MoE block. Without `topk_weights` every selected expert weighs `1/top_k`. Errors name the
/// line and the element, e.g. `x.jsonl:3: topk_experts[5][1] = 99 is out of range`.
enum MoEBalanceTrace {
  static let keys = [
    "layer", "batch_id", "topk_experts", "topk_weights", "origin_rows", "request_id",
    "source_file",
  ]

  /// One line: a batch's routing at one layer.
  struct Record {
    var line: Int
    var layer: Int
    var batch: Int
    /// [tokens, k] expert ids.
    var experts: RecordedTensor
    /// [tokens, k] gates, or nil.
    var weights: RecordedTensor?
  }

  /// Whether `path` names a moe-balance trace (a `.jsonl` file).
  static func handles(_ path: String) -> Bool {
    URL(fileURLWithPath: path).pathExtension.lowercased() == "jsonl"
  }

  static func load(
    path: String, steps: Int, moeLayers: [Int], tokens: Int, experts: Int, topK: Int
  ) throws -> RoutingTrace {
    let records = try read(path: path, tokens: tokens)
    let batches = Array(Set(records.map(\.batch))).sorted()
    guard batches.count == steps else {
      throw TraceError(
        file: path, line: nil,
        message: "\(batches.count) batches (distinct batch_id); workload.steps = \(steps)")
    }
    let ordinals = try layerOrdinals(records, moeLayers: moeLayers, file: path)
    let stepOfBatch = Dictionary(uniqueKeysWithValues: batches.enumerated().map { ($1, $0) })
    var recordAt = [Int?](repeating: nil, count: steps * moeLayers.count)
    for (index, record) in records.enumerated() {
      let step = stepOfBatch[record.batch] ?? 0
      let slot = step * moeLayers.count + (ordinals[record.layer] ?? 0)
      if let earlier = recordAt[slot] {
        throw TraceError(
          file: path, line: record.line,
          message: "batch_id \(record.batch), layer \(record.layer) already appears on line "
            + "\(records[earlier].line)")
      }
      recordAt[slot] = index
    }
    if let missing = recordAt.firstIndex(where: { $0 == nil }) {
      throw TraceError(
        file: path, line: nil,
        message: "no line for batch_id \(batches[missing / moeLayers.count]), MoE layer "
          + "\(moeLayers[missing % moeLayers.count]) (every batch covers every MoE layer)")
    }
    let held = recordAt.map { records[$0 ?? 0] }
    let slots = held.map { $0.experts.shape[1] }.max() ?? 1
    let hasWeights = held.contains { $0.weights != nil }
    if hasWeights, let bare = held.first(where: { $0.weights == nil }) {
      throw TraceError(
        file: path, line: bare.line, message: "topk_weights is on some lines and not others")
    }
    return try PerTokenTrace.decisions(
      file: path, steps: steps, layers: moeLayers, tokens: tokens, experts: experts, slots: slots,
      topK: topK,
      gate: hasWeights
        ? { step, layer, token, slot in
          let record = held[step * moeLayers.count + layer]
          return Float(record.weights?.values[token * record.experts.shape[1] + slot] ?? 0)
        } : nil
    ) { step, layer, token, slot in
      let record = held[step * moeLayers.count + layer]
      let width = record.experts.shape[1]
      guard slot < width else { return (-1, "", nil) }
      return (
        record.experts.values[token * width + slot], "topk_experts[\(token)][\(slot)]",
        record.line
      )
    }
  }

  /// The trace as per-expert loads, for `moesim place`: every expert id in `topk_experts`
  /// counts one token for its layer, summed over batches (gates are not loads; −1, an empty
  /// slot, counts nothing). Rows are the file's layer ids in increasing order; `experts` is the
  /// model's expert count, or nil for the largest id + 1.
  static func loads(path: String, experts: Int?) throws -> ExpertLoadTable {
    let records = try read(path: path, tokens: nil)
    let limit = experts ?? ScenarioLimits.experts
    var counts: [Int: [Double]] = [:]
    var width = experts ?? 0
    for record in records {
      let k = record.experts.shape[1]
      var row = counts[record.layer] ?? []
      for (index, id) in record.experts.values.enumerated() where id != -1 {
        guard id == id.rounded(), id >= 0, id < Double(limit) else {
          throw TraceError(
            file: path, line: record.line,
            message: "topk_experts[\(index / k)][\(index % k)] = \(id) is out of range; allowed "
              + "an expert id 0...\(limit - 1) or -1 (an empty slot)"
              + (experts == nil ? "" : " (--experts \(limit))"))
        }
        let expert = Int(id)
        if expert >= row.count { row += [Double](repeating: 0, count: expert + 1 - row.count) }
        row[expert] += 1
        width = max(width, expert + 1)
      }
      counts[record.layer] = row
    }
    let columns = max(width, 1)
    let layers = counts.keys.sorted()
    let loads = layers.map { layer in
      let row = counts[layer] ?? []
      return row + [Double](repeating: 0, count: columns - row.count)
    }
    return ExpertLoadTable(layers: layers, experts: columns, loads: loads)
  }

  /// Every line of the file, checked on its own: known keys, integer `layer` and `batch_id`,
  /// `topk_experts` a [tokens, k] list of numbers (tokens = `tokens`, the scenario's
  /// `tokens_per_step`, unless nil) and `topk_weights` one of the same shape holding finite
  /// gates ≥ 0.
  static func read(path: String, tokens: Int?) throws -> [Record] {
    var records: [Record] = []
    for (number, fields) in try JSONLines.objects(path: path, keys: keys) {
      func fail(_ message: String) -> TraceError {
        TraceError(file: path, line: number, message: message)
      }
      var integers: [Int] = []
      for key in ["layer", "batch_id"] {
        guard case .integer(let value) = fields[key], value >= 0 else {
          throw fail(
            "\(key) = \(fields[key]?.rendered ?? "(missing)"); expected an integer ≥ 0")
        }
        integers.append(value)
      }
      guard let ids = fields["topk_experts"] else {
        throw fail("topk_experts is required but missing")
      }
      let experts = try tensor(ids, "topk_experts", tokens: tokens, line: number, file: path)
      var weights: RecordedTensor?
      if let raw = fields["topk_weights"] {
        let gates = try tensor(raw, "topk_weights", tokens: tokens, line: number, file: path)
        guard gates.shape == experts.shape else {
          throw fail(
            "topk_weights has shape \(RecordedTensor.describe(gates.shape)); topk_experts has "
              + RecordedTensor.describe(experts.shape))
        }
        if let bad = gates.values.firstIndex(where: { !($0.isFinite && $0 >= 0 && $0 <= 3e38) }) {
          let width = gates.shape[1]
          throw fail(
            "topk_weights[\(bad / width)][\(bad % width)] = \(gates.values[bad]) is out of "
              + "range; allowed a finite gate ≥ 0")
        }
        weights = gates
      }
      records.append(
        Record(
          line: number, layer: integers[0], batch: integers[1], experts: experts,
          weights: weights))
    }
    guard !records.isEmpty else {
      throw TraceError(
        file: path, line: nil, message: "no records; expected one JSON object per line")
    }
    return records
  }

  /// A [tokens, k] nested list of numbers, k ≥ 1 (any number of tokens when `tokens` is nil).
  static func tensor(_ value: JSONValue, _ name: String, tokens: Int?, line: Int, file: String)
    throws -> RecordedTensor
  {
    let tensor = try RecordedTensor.fromJSON(value, file: "\(file):\(line)", path: name)
    guard tensor.shape.count == 2, tokens == nil || tensor.shape[0] == tokens,
      tensor.shape[1] >= 1
    else {
      throw TraceError(
        file: file, line: line,
        message: "\(name) has shape \(RecordedTensor.describe(tensor.shape)); expected "
          + (tokens.map { "(\($0), k) (workload.tokens_per_step = \($0), k ≥ 1)" }
            ?? "(tokens, k) with k ≥ 1"))
    }
    return tensor
  }

  /// The MoE-layer ordinal of every layer id in the file: ids that are all MoE blocks are block
  /// indices; otherwise they must all be ordinals `0 … moeLayers − 1`.
  static func layerOrdinals(_ records: [Record], moeLayers: [Int], file: String) throws
    -> [Int: Int]
  {
    let blocks = Dictionary(uniqueKeysWithValues: moeLayers.enumerated().map { ($1, $0) })
    if records.allSatisfy({ blocks[$0.layer] != nil }) { return blocks }
    if let odd = records.first(where: { $0.layer >= moeLayers.count }) {
      throw TraceError(
        file: file, line: odd.line,
        message: "layer = \(odd.layer) is neither an MoE layer of the model (blocks "
          + moeLayers.map(String.init).joined(separator: ", ")
          + ") nor an MoE-layer ordinal 0...\(moeLayers.count - 1)")
    }
    return Dictionary(uniqueKeysWithValues: moeLayers.indices.map { ($0, $0) })
  }
}
