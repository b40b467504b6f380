import Foundation

/// TensorRT-LLM's expert statistic folder (NVIDIA/TensorRT-LLM, written by
/// `tensorrt_llm/_torch/expert_statistic.py`, `ExpertStatistic._set_iter`, when
/// `EXPERT_STATISTIC_ITER_RANGE` is set; read by `examples/wide_ep/ep_load_balancer/utils.py`,
/// `load_expert_statistic`): `meta_info.json` with `num_experts` and `num_experts_per_token`,
/// and one `rank{r}.safetensors` per rank whose tensors, named `"{iter}_{layer}"`, are the
/// bincount of that rank's selected experts, shape [num_experts]. `*_raw.safetensors` (raw
/// selections) are skipped, as TensorRT-LLM's loader skips them.
///
/// The loads are summed over ranks and iterations (as `generate_eplb_config.py` sums them);
/// layer ids are the recorded ones. As in TensorRT-LLM's loader, the iterations must be
/// consecutive and every (iteration, layer) recorded.
public enum TensorRTLLMExpertStatistic {
  static let metaKeys = ["num_experts", "num_experts_per_token"]

  /// Reads the folder at `path` (or the folder of `path` when it names `meta_info.json`).
  public static func read(path: String) throws -> ExpertLoadTable {
    var isFolder: ObjCBool = false
    let folder =
      FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
      ? path : URL(fileURLWithPath: path).deletingLastPathComponent().path
    let metaPath = URL(fileURLWithPath: folder).appendingPathComponent("meta_info.json").path
    let meta = try SGLangExpertDistribution.parse(RecordedFile.bytes(metaPath), file: metaPath)
    guard case .object(let fields) = meta else {
      throw TraceError(file: metaPath, line: nil, message: "the top level is not an object")
    }
    if let unknown = fields.keys.sorted().first(where: { !metaKeys.contains($0) }) {
      throw TraceError(
        file: metaPath, line: nil,
        message:
          "\(unknown) is not a key of meta_info.json; allowed \(metaKeys.joined(separator: ", "))")
    }
    guard case .integer(let experts) = fields["num_experts"],
      (1...ScenarioLimits.experts).contains(experts)
    else {
      throw TraceError(
        file: metaPath, line: nil,
        message: "num_experts = \(fields["num_experts"]?.rendered ?? "(missing)"); expected an "
          + "integer in 1...\(ScenarioLimits.experts)")
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder)
    } catch {
      throw TraceError(
        file: folder, line: nil, message: "cannot list the folder", isMissingInput: true)
    }
    let ranks = names.filter {
      $0.hasPrefix("rank") && $0.hasSuffix(".safetensors") && !$0.hasSuffix("_raw.safetensors")
    }.sorted()
    guard !ranks.isEmpty else {
      throw TraceError(
        file: folder, line: nil, message: "no rank*.safetensors files next to meta_info.json")
    }
    var byKey: [[Int]: [Double]] = [:]
    for name in ranks {
      let file = URL(fileURLWithPath: folder).appendingPathComponent(name).path
      for (key, tensor) in try Safetensors.read(path: file).sorted(by: { $0.key < $1.key }) {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let iteration = Int(parts[0]), let layer = Int(parts[1]),
          iteration >= 0, layer >= 0
        else {
          throw TraceError(
            file: file, line: nil,
            message: "tensor '\(key)' is not named {iteration}_{layer} (two integers ≥ 0)")
        }
        guard tensor.shape == [experts] else {
          throw TraceError(
            file: file, line: nil,
            message: "tensor '\(key)' has shape \(RecordedTensor.describe(tensor.shape)); "
              + "expected (\(experts),) (num_experts in meta_info.json)")
        }
        if let bad = tensor.values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
          throw TraceError(
            file: file, line: nil,
            message: "tensor '\(key)'[\(bad)] = \(tensor.values[bad]) is out of range; allowed a "
              + "count ≥ 0")
        }
        let sum = byKey[[iteration, layer], default: [Double](repeating: 0, count: experts)]
        byKey[[iteration, layer]] = zip(sum, tensor.values).map(+)
      }
    }
    let iterations = Set(byKey.keys.map { $0[0] }).sorted()
    let layers = Set(byKey.keys.map { $0[1] }).sorted()
    if let gap = zip(iterations, iterations.dropFirst()).first(where: { $1 != $0 + 1 }) {
      throw TraceError(
        file: folder, line: nil,
        message:
          "iterations jump from \(gap.0) to \(gap.1); the recorded iterations must be consecutive")
    }
    var loads: [[Double]] = []
    for layer in layers {
      var row = [Double](repeating: 0, count: experts)
      for iteration in iterations {
        guard let counts = byKey[[iteration, layer]] else {
          throw TraceError(
            file: folder, line: nil,
            message: "no tensor '\(iteration)_\(layer)' in any rank file (every iteration "
              + "records every layer)")
        }
        row = zip(row, counts).map(+)
      }
      loads.append(row)
    }
    return ExpertLoadTable(layers: layers, experts: experts, loads: loads)
  }
}
