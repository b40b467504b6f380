import Foundation

/// The recorded-routing formats `workload.trace` is read in, by their `workload.format` name.
/// Each decodes into the same `RoutingTrace` the simulator replays.
public enum TraceFormat: String, Sendable, CaseIterable, Encodable {
  /// MoESim's decisions or logits CSV (`RoutingTrace`).
  case csv
  /// vLLM's routed experts of a request, [tokens, layers, top_k], as `.npy` or JSON with
  /// `routed_experts` (`PerTokenTrace`).
  case vllm
  /// SGLang's per-token expert distribution dump as JSON with `records` (`PerTokenTrace`).
  case sglang
  /// moe-balance JSON Lines (`MoEBalanceTrace`).
  case moeBalance = "moe-balance"

  /// The format the file's name implies when `workload.format` does not say: `.jsonl`
  /// moe-balance, `.npy` vllm, `.json` sglang when it holds a `"records"` key and vllm
  /// otherwise, anything else csv.
  public static func detect(path: String) -> TraceFormat {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "jsonl": return .moeBalance
    case "npy": return .vllm
    case "json":
      let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
      return data?.range(of: Data("\"records\"".utf8)) != nil ? .sglang : .vllm
    default: return .csv
    }
  }

}
