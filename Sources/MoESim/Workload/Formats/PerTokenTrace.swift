import Foundation

/// Per-token routing recorded by a serving system, replayed as a decisions trace (every token's
/// selected experts, gates `1/top_k` as in a decisions CSV without gates), named by
/// `workload.format` or told apart by the file name (`TraceFormat.detect`):
/// - `.npy`, or `.json` with `routed_experts`: vLLM's routed experts of a request,
///   [tokens, layers, top_k] (vllm-project/vllm, `vllm/outputs.py`, `CompletionOutput.routed_experts`
///   "[seq_len, layer_num, topk]", returned with `--enable-return-routed-experts`);
/// - `.json` with `records`: SGLang's per-token expert distribution dump, one record per forward
///   pass with `topk_ids_of_layer` [layers, tokens, k] (sgl-project/sglang,
///   `python/sglang/srt/eplb/expert_distribution.py`, `_DetailSinglePassGatherer.collect`, mode
///   `per_token`), exported from its `.pt` to JSON; record `i` is step `i`.
///
/// The layer axis lists either the model's MoE layers in order or every block (rows of dense
/// blocks are then skipped). For vLLM, token `t` of the file is token `t mod tokens_per_step` of
/// step `t / tokens_per_step`, and the file must hold exactly `steps × tokens_per_step` tokens.
/// An id −1 is an empty slot (SGLang pads with −1). Errors name the element, e.g.
/// `routed_experts[70][1][0] = 99 is out of range`.
enum PerTokenTrace {
  /// Reads SGLang's records (`sglang`) or vLLM's routed experts (a `.npy` file, or JSON).
  static func load(
    path: String, sglang: Bool, steps: Int, moeLayers: [Int], tokens: Int, experts: Int,
    topK: Int
  ) throws -> RoutingTrace {
    func fail(_ message: String) -> TraceError {
      TraceError(file: path, line: nil, message: message)
    }
    if path.lowercased().hasSuffix(".npy") {
      guard !sglang else {
        throw fail("SGLang's per_token record is JSON with records, not a .npy array")
      }
      return try vLLM(
        NumpyArray.read(path: path), name: "routed_experts", path: path, steps: steps,
        moeLayers: moeLayers, tokens: tokens, experts: experts, topK: topK)
    }
    let key = sglang ? "records" : "routed_experts"
    let root = try SGLangExpertDistribution.parse(RecordedFile.bytes(path), file: path)
    guard case .object(let fields) = root else {
      throw fail("the top level is \(root.typeName); expected an object with \(key)")
    }
    guard let value = fields[key] else {
      throw fail(
        sglang
          ? "records is required but missing (SGLang's per_token dump; vLLM's has routed_experts)"
          : "routed_experts is required but missing (vLLM's routed experts; SGLang's per_token "
            + "dump has records)")
    }
    if !sglang {
      return try vLLM(
        RecordedTensor.fromJSON(value, file: path, path: "routed_experts"), name: "routed_experts",
        path: path, steps: steps, moeLayers: moeLayers, tokens: tokens, experts: experts,
        topK: topK)
    }
    guard case .array(let records) = value else {
      throw fail("records is \(value.typeName); expected a list of forward passes")
    }
    guard records.count == steps else {
      throw fail("\(records.count) records (forward passes); workload.steps = \(steps)")
    }
    var perStep: [RecordedTensor] = []
    for (step, record) in records.enumerated() {
      guard case .object(let entry) = record, let ids = entry["topk_ids_of_layer"] else {
        throw fail("records[\(step)] has no topk_ids_of_layer")
      }
      let name = "records[\(step)].topk_ids_of_layer"
      let tensor = try RecordedTensor.fromJSON(ids, file: path, path: name)
      guard tensor.shape.count == 3, tensor.shape[1] == tokens else {
        throw fail(
          "\(name) has shape \(RecordedTensor.describe(tensor.shape)); expected (layers, "
            + "\(tokens), k) (workload.tokens_per_step = \(tokens))")
      }
      perStep.append(tensor)
    }
    let shape = perStep.first?.shape ?? [0, tokens, 1]
    if let odd = perStep.firstIndex(where: { $0.shape != shape }) {
      throw fail("records[\(odd)].topk_ids_of_layer has another shape than records[0]'s")
    }
    let rows = try layerRows(shape[0], moeLayers: moeLayers, file: path, name: "topk_ids_of_layer")
    let slots = shape[2]
    return try decisions(
      file: path, steps: steps, layers: moeLayers, tokens: tokens, experts: experts, slots: slots,
      topK: topK
    ) { step, layer, token, slot in
      let index = (rows[layer] * tokens + token) * slots + slot
      return (
        perStep[step].values[index],
        "records[\(step)].topk_ids_of_layer[\(rows[layer])][\(token)][\(slot)]", nil
      )
    }
  }

  static func vLLM(
    _ tensor: RecordedTensor, name: String, path: String, steps: Int, moeLayers: [Int],
    tokens: Int, experts: Int, topK: Int
  ) throws -> RoutingTrace {
    guard tensor.shape.count == 3 else {
      throw TraceError(
        file: path, line: nil,
        message:
          "\(name) has shape \(RecordedTensor.describe(tensor.shape)); expected (tokens, layers, top_k)"
      )
    }
    guard tensor.shape[0] == steps * tokens else {
      throw TraceError(
        file: path, line: nil,
        message: "\(name) holds \(tensor.shape[0]) tokens; workload.steps × tokens_per_step = "
          + "\(steps) × \(tokens) = \(steps * tokens)")
    }
    let layerCount = tensor.shape[1]
    let rows = try layerRows(layerCount, moeLayers: moeLayers, file: path, name: name)
    let slots = tensor.shape[2]
    return try decisions(
      file: path, steps: steps, layers: moeLayers, tokens: tokens, experts: experts, slots: slots,
      topK: topK
    ) { step, layer, token, slot in
      let global = step * tokens + token
      return (
        tensor.values[(global * layerCount + rows[layer]) * slots + slot],
        "\(name)[\(global)][\(rows[layer])][\(slot)]", nil
      )
    }
  }

  /// The row of each MoE layer: its ordinal when the axis lists the MoE layers, its block index
  /// when the axis lists every block.
  static func layerRows(_ count: Int, moeLayers: [Int], file: String, name: String) throws -> [Int]
  {
    if count == moeLayers.count { return Array(moeLayers.indices) }
    if let last = moeLayers.last, count > last { return moeLayers }
    throw TraceError(
      file: file, line: nil,
      message: "\(name) has \(count) layers; the model has \(moeLayers.count) MoE layers "
        + "(blocks \(moeLayers.map(String.init).joined(separator: ", ")))")
  }

  /// A decisions trace from `element(step, moeLayerOrdinal, token, slot)` = (expert id, name,
  /// line of the file or nil): ids are integers in `0..<experts` or −1 (empty), each at most
  /// once per token. `gate` gives the gate of an element (already checked finite and ≥ 0); nil
  /// gives every selected expert `1/top_k`.
  static func decisions(
    file: String, steps: Int, layers: [Int], tokens: Int, experts: Int, slots: Int, topK: Int,
    gate: ((Int, Int, Int, Int) -> Float)? = nil,
    element: (Int, Int, Int, Int) -> (Double, String, Int?)
  ) throws -> RoutingTrace {
    let slots = max(1, slots)
    var selected = [Int32](repeating: -1, count: steps * layers.count * tokens * slots)
    var gates = [Float](repeating: 0, count: selected.count)
    for step in 0..<steps {
      for layer in layers.indices {
        for token in 0..<tokens {
          let base = ((step * layers.count + layer) * tokens + token) * slots
          var filled = 0
          for slot in 0..<slots {
            let (value, name, line) = element(step, layer, token, slot)
            if value == -1 { continue }
            guard value == value.rounded(), value >= 0, value < Double(experts) else {
              throw TraceError(
                file: file, line: line,
                message: "\(name) = \(value) is out of range; allowed an expert id "
                  + "0...\(experts - 1) (model.moe.experts) or -1 (empty)")
            }
            let expert = Int32(value)
            if selected[base..<base + filled].contains(expert) {
              throw TraceError(
                file: file, line: line,
                message: "\(name) = \(expert) repeats an expert of the same token")
            }
            selected[base + filled] = expert
            gates[base + filled] = gate?(step, layer, token, slot) ?? 1 / Float(topK)
            filled += 1
          }
        }
      }
    }
    return RoutingTrace(
      content: .decisions, steps: steps, layers: layers.count, tokens: tokens, experts: experts,
      slots: slots, selected: selected, gates: gates, logits: [])
  }
}
