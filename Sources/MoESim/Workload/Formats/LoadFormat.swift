import Foundation

/// The file formats `moesim place` reads per-expert loads from, by their command-line name.
public enum LoadFormat: String, Sendable, CaseIterable {
  /// MoESim's own `layer,expert,load` CSV.
  case csv
  /// SGLang's expert distribution record (JSON with `logical_count`).
  case sglang
  /// DeepSeek EPLB's `weight` matrix as a CSV matrix, JSON or `.npy`.
  case eplb
  /// Any `.npy` array of shape [layers, experts] or [steps, layers, experts].
  case npy
  /// TensorRT-LLM's expert statistic folder (`meta_info.json`, `rank*.safetensors`).
  case trtllm
  /// Megatron-Core `tokens_per_expert` JSON Lines.
  case megatron
  /// vLLM's EPLB `expert_load_window` with its `physical_to_logical_map`, as JSON.
  case vllm
  /// A moe-balance per-token routing trace (JSON Lines with `topk_experts`), counted per expert.
  case moeBalance = "moe-balance"

  /// The format a path's extension and first bytes make unambiguous, or nil: a folder or
  /// `meta_info.json` is trtllm, `.npy` npy, `.jsonl` moe-balance when its first 64 KiB name
  /// `topk_experts` and not `tokens_per_expert`, megatron otherwise, `.json` sglang when it has
  /// `logical_count`, vllm when it has `expert_load_window` and eplb otherwise, `.csv` csv when
  /// its header is `layer,expert,load` and eplb (a bare matrix) otherwise.
  /// A path that does not exist is missing input.
  public static func detect(path: String) throws -> LoadFormat? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw TraceError(file: path, line: nil, message: "no such file", isMissingInput: true)
    }
    if isFolder.boolValue { return .trtllm }
    let url = URL(fileURLWithPath: path)
    if url.lastPathComponent == "meta_info.json" { return .trtllm }
    switch url.pathExtension.lowercased() {
    case "npy": return .npy
    case "jsonl":
      guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
      defer { try? handle.close() }
      let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
      let isMoEBalance =
        head.range(of: Data("\"topk_experts\"".utf8)) != nil
        && head.range(of: Data("\"tokens_per_expert\"".utf8)) == nil
      return isMoEBalance ? .moeBalance : .megatron
    case "json":
      guard let data = try? Data(contentsOf: url, options: .mappedIfSafe) else { return nil }
      if data.range(of: Data("\"logical_count\"".utf8)) != nil { return .sglang }
      return data.range(of: Data("\"expert_load_window\"".utf8)) != nil ? .vllm : .eplb
    case "csv":
      guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
      defer { try? handle.close() }
      let head = (try? handle.read(upToCount: 64)) ?? Data()
      return head.starts(with: Data("layer,expert,load".utf8)) ? .csv : .eplb
    default: return nil
    }
  }

  /// Reads the loads at `path` in this format. `experts` is the model's expert count where the
  /// format does not list every expert (moe-balance; nil: the largest id + 1); the other
  /// formats ignore it.
  public func read(path: String, experts: Int? = nil) throws -> ExpertLoadTable {
    switch self {
    case .csv:
      let text: String
      do {
        text = try String(contentsOfFile: path, encoding: .utf8)
      } catch {
        throw ScenarioError(
          file: path, path: "", kind: .unreadable(detail: (error as NSError).localizedDescription),
          isMissingInput: true)
      }
      return try ExpertLoadTable(csv: text, file: path)
    case .sglang:
      return path.lowercased().hasSuffix(".npy")
        ? try EPLBWeight.readNumpy(path: path) : try SGLangExpertDistribution.read(path: path)
    case .eplb:
      switch URL(fileURLWithPath: path).pathExtension.lowercased() {
      case "npy": return try EPLBWeight.readNumpy(path: path)
      case "json": return try EPLBWeight.readJSON(path: path)
      default: return try EPLBWeight.readCSV(path: path)
      }
    case .npy: return try EPLBWeight.readNumpy(path: path)
    case .trtllm: return try TensorRTLLMExpertStatistic.read(path: path)
    case .megatron: return try MegatronTokensPerExpert.read(path: path)
    case .vllm: return try VLLMExpertLoadWindow.read(path: path)
    case .moeBalance: return try MoEBalanceTrace.loads(path: path, experts: experts)
    }
  }
}
