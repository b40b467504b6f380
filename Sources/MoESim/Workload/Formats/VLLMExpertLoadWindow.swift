import Foundation

/// vLLM's EPLB load window as JSON: the `EplbState` tensors (vllm-project/vllm,
/// `vllm/distributed/eplb/eplb_state.py`) `expert_load_window` of shape
/// [window steps, MoE layers, physical experts] (tokens each physical expert processed per
/// forward pass) and `physical_to_logical_map` [MoE layers, physical experts], dumped with
/// `json.dump({name: tensor.tolist()})` (vLLM keeps them in GPU memory and writes no file).
/// The logical load of expert `e` in layer `l` is the window summed over its steps and over the
/// physical experts `p` with `physical_to_logical_map[l][p] = e`, as `EplbState.rearrange` does
/// before calling the rebalancer. `logical_to_physical_map` and `logical_replica_count` are
/// accepted and not used. Row `i` is MoE layer `i` (vLLM counts only MoE layers); the logical
/// experts are `0 … max id`, each of which must hold a physical expert in every layer.
public enum VLLMExpertLoadWindow {
  static let keys = [
    "expert_load_window", "physical_to_logical_map", "logical_to_physical_map",
    "logical_replica_count",
  ]

  /// The per-expert loads of the JSON file at `path`.
  public static func read(path: String) throws -> ExpertLoadTable {
    func fail(_ message: String) -> TraceError {
      TraceError(file: path, line: nil, message: message)
    }
    let root = try SGLangExpertDistribution.parse(RecordedFile.bytes(path), file: path)
    guard case .object(let fields) = root else {
      throw fail(
        "the top level is \(root.typeName); expected an object with expert_load_window and "
          + "physical_to_logical_map (vLLM's EplbState)")
    }
    if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
      throw fail(
        "\(ErrorText.echo(unknown)) is not a key of vLLM's EPLB state; allowed "
          + keys.joined(separator: ", "))
    }
    guard let windowValue = fields["expert_load_window"],
      let mapValue = fields["physical_to_logical_map"]
    else {
      let missing =
        fields["expert_load_window"] == nil
        ? "expert_load_window" : "physical_to_logical_map"
      throw fail("\(missing) is required but missing")
    }
    let window = try RecordedTensor.fromJSON(windowValue, file: path, path: "expert_load_window")
    let map = try RecordedTensor.fromJSON(mapValue, file: path, path: "physical_to_logical_map")
    guard window.shape.count == 3, window.shape.allSatisfy({ $0 >= 1 }) else {
      throw fail(
        "expert_load_window has shape \(RecordedTensor.describe(window.shape)); expected "
          + "(window, layers, physical experts), each ≥ 1")
    }
    let layers = window.shape[1]
    let physical = window.shape[2]
    guard map.shape == [layers, physical] else {
      throw fail(
        "physical_to_logical_map has shape \(RecordedTensor.describe(map.shape)); expected "
          + "\(RecordedTensor.describe([layers, physical])) (expert_load_window's layers and "
          + "physical experts)")
    }
    if let bad = map.values.firstIndex(where: {
      !($0 == $0.rounded() && $0 >= 0 && $0 < Double(min(physical, ScenarioLimits.experts)))
    }) {
      throw fail(
        "physical_to_logical_map[\(bad / physical)][\(bad % physical)] = \(map.values[bad]) is "
          + "out of range; allowed a logical expert id 0...\(min(physical, ScenarioLimits.experts) - 1)"
      )
    }
    if let bad = window.values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
      let step = bad / (layers * physical)
      let layer = bad / physical % layers
      throw fail(
        "expert_load_window[\(step)][\(layer)][\(bad % physical)] = \(window.values[bad]) is "
          + "out of range; allowed a finite load ≥ 0")
    }
    let experts = Int(map.values.max() ?? 0) + 1
    var loads = [[Double]](repeating: [Double](repeating: 0, count: experts), count: layers)
    for layer in 0..<layers {
      var held = [Bool](repeating: false, count: experts)
      for slot in 0..<physical { held[Int(map.values[layer * physical + slot])] = true }
      if let orphan = held.firstIndex(of: false) {
        throw fail(
          "physical_to_logical_map[\(layer)] holds no physical expert of logical expert "
            + "\(orphan); every expert 0...\(experts - 1) needs one")
      }
    }
    for (index, value) in window.values.enumerated() {
      let layer = index / physical % layers
      let slot = index % physical
      loads[layer][Int(map.values[layer * physical + slot])] += value
    }
    return ExpertLoadTable(layers: Array(0..<layers), experts: experts, loads: loads)
  }
}
