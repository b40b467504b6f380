import Foundation

/// One key of the scenario format: where it sits, its JSON type, its default, what values are
/// allowed and what it means. `ScenarioKeys.all` is the table the decoder's known-key check reads
/// (each block's `keys` are `ScenarioKeys.names(in:)`), and `moesim help scenario` prints it, so
/// the listing cannot drift from what the decoder accepts.
public struct ScenarioKey: Sendable, Equatable {
  /// JSON type of a key's value.
  public enum ValueType: String, Sendable, Equatable {
    case string, integer, number, boolean, object, array
    /// A string out of a fixed list.
    case choice
    /// A catalog name or an inline object (`cluster.device`).
    case stringOrObject = "string or object"
    /// One object or an array of them (`validation`).
    case objectOrArray = "object or array"
  }

  /// Dotted path of the object the key sits in (`""` for the top level, `model.moe`;
  /// `workload.domains[]` for the objects of an array).
  public var block: String
  public var name: String
  public var type: ValueType
  /// The default as a reader would write it, `required`, or `none` (absent: not used).
  public var defaultValue: String
  public var allowed: String
  /// One line.
  public var meaning: String

  public init(
    _ block: String, _ name: String, _ type: ValueType, default defaultValue: String,
    allowed: String, meaning: String
  ) {
    self.block = block
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.allowed = allowed
    self.meaning = meaning
  }

  /// The key's dotted path, e.g. `model.moe.top_k`.
  public var path: String { block.isEmpty ? name : "\(block).\(name)" }

  /// `"a", "b", "c"`: the raw values of a string enum, as a scenario spells them.
  static func choices<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) -> String
  where Choice.RawValue == String {
    quoted(Choice.allCases.map(\.rawValue))
  }

  static func quoted(_ names: [String]) -> String {
    names.map { "\"\($0)\"" }.joined(separator: ", ")
  }
}

/// The table of every scenario key, block by block.
public enum ScenarioKeys {
  /// Every key, in the order of the scenario reference.
  public static let all: [ScenarioKey] =
    topLevel + model + router + workload + precision + cluster + memory + compute + validation

  /// The blocks, in table order.
  public static var blocks: [String] {
    all.map(\.block).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
  }

  /// The key names of `block`, as the decoder accepts them.
  static func names(in block: String) -> [String] {
    all.filter { $0.block == block }.map(\.name)
  }

  /// The keys in `block` and the blocks under it (`router`, `cluster` with `cluster.layout`, …);
  /// `""` or nil gives every key.
  public static func keys(under block: String?) -> [ScenarioKey] {
    guard let block, !block.isEmpty else { return all }
    return all.filter {
      $0.block == block || $0.block.hasPrefix(block + ".") || $0.block.hasPrefix(block + "[")
    }
  }

  static let topLevel: [ScenarioKey] = [
    ScenarioKey(
      "", "name", .string, default: "required", allowed: "letters, digits, \".\", \"_\", \"-\"",
      meaning: "names the results folder"),
    ScenarioKey(
      "", "description", .string, default: "none", allowed: "any text",
      meaning: "free text"),
    ScenarioKey(
      "", "seed", .integer, default: "1", allowed: "0 … 2⁶³−1",
      meaning: "seed of every random stream, 0 … 2⁶³−1"),
    ScenarioKey(
      "", "model", .object, default: "required", allowed: "see model",
      meaning: "the architecture (below)"),
    ScenarioKey(
      "", "router", .object, default: "defaults", allowed: "see router",
      meaning: "the router (below)"),
    ScenarioKey(
      "", "workload", .object, default: "defaults", allowed: "see workload",
      meaning: "the token stream (below)"),
    ScenarioKey(
      "", "precision", .object, default: "defaults", allowed: "see precision",
      meaning: "number formats of weights, KV cache, activations (below)"),
    ScenarioKey(
      "", "cluster", .object, default: "one 80 GiB device", allowed: "see cluster",
      meaning: "devices and parallel layout (below)"),
    ScenarioKey(
      "", "memory", .object, default: "inference, 1 × 4096", allowed: "see memory",
      meaning: "what memory per device is estimated for (below)"),
    ScenarioKey(
      "", "compute", .object, default: "defaults", allowed: "see compute",
      meaning: "tokens of a training run (below)"),
    ScenarioKey(
      "", "validation", .objectOrArray, default: "none", allowed: "see validation[]",
      meaning: "published measurements to compare the run with, written to validation.csv"),
  ]

  static let validation: [ScenarioKey] = [
    ScenarioKey(
      "validation[]", "metric", .choice, default: "required",
      allowed: ScenarioKey.choices(ValidationMetric.self),
      meaning: "the output figure compared (units: Results/README.md, validation.csv)"),
    ScenarioKey(
      "validation[]", "measured", .number, default: "required", allowed: "> 0",
      meaning: "the published figure, in the metric's unit"),
    ScenarioKey(
      "validation[]", "source", .string, default: "required", allowed: "non-empty text",
      meaning: "where the figure is published (title and section, or URL)"),
    ScenarioKey(
      "validation[]", "expect", .choice, default: "\"match\"",
      allowed: ScenarioKey.choices(ValidationEntry.Expectation.self),
      meaning:
        "\"match\": predicted / measured within 0.85 … 1.15; \"bound\": the model is at least as fast"
    ),
  ]

  static let precision: [ScenarioKey] = [
    ScenarioKey(
      "precision", "weights", .choice, default: "\"bf16\"",
      allowed: ScenarioKey.choices(NumberFormat.self),
      meaning:
        "format of the stored weights (routed experts apart); fp8_block, mxfp4, nvfp4 carry block scales (Accounting)"
    ),
    ScenarioKey(
      "precision", "expert_weights", .choice, default: "weights",
      allowed: ScenarioKey.choices(NumberFormat.self),
      meaning:
        "format of the routed experts' weights (gpt-oss: \"mxfp4\" experts, \"bf16\" elsewhere)"),
    ScenarioKey(
      "precision", "weight_group_size", .integer, default: "128", allowed: "0, or ≥ 1",
      meaning:
        "weights per quantisation group of an int format: each group adds a 16-bit scale and a 16-bit zero point …"
    ),
    ScenarioKey(
      "precision", "kv_cache", .choice, default: "\"bf16\"",
      allowed: ScenarioKey.choices(NumberFormat.self) + " (not int4, fp8_block, mxfp4, nvfp4)",
      meaning: "format of cached K/V (or MLA latents)"),
    ScenarioKey(
      "precision", "activations", .choice, default: "\"bf16\"",
      allowed: ScenarioKey.choices(NumberFormat.self) + " (not int4, fp8_block, mxfp4, nvfp4)",
      meaning: "format of activations"),
    ScenarioKey(
      "precision", "dispatch", .choice, default: "precision.activations",
      allowed: ScenarioKey.choices(NumberFormat.self) + " (not int4)",
      meaning:
        "format of a token sent in the expert dispatch; below 16 bits one FP32 scale per 128 channels (DeepEP: \"fp8\")"
    ),
    ScenarioKey(
      "precision", "combine", .choice, default: "precision.activations",
      allowed: ScenarioKey.choices(NumberFormat.self) + " (not int4)",
      meaning: "format of an expert output sent back in the combine (DeepEP: \"bf16\")"),
    ScenarioKey(
      "precision", "matmul", .choice, default: "the slower of weights and activations",
      allowed: ScenarioKey.choices(NumberFormat.self),
      meaning:
        "format the matrix products run in, whose peak the time model uses (FP8 training: \"fp8\")"
    ),
  ]

  static let memory: [ScenarioKey] = [
    ScenarioKey(
      "memory", "mode", .choice, default: "\"inference\"",
      allowed: ScenarioKey.choices(MemorySpec.Mode.self),
      meaning:
        "\"inference\" (weights, KV cache, activation workspace) or \"training\" (weights, gradients, Adam states, …"
    ),
    ScenarioKey(
      "memory", "batch", .integer, default: "1", allowed: "1 … 2³⁰",
      meaning: "sequences per model replica (serving batch, or training micro-batch), ≥ 1"),
    ScenarioKey(
      "memory", "context", .integer, default: "4096", allowed: "1 … 2⁴⁰",
      meaning: "tokens per sequence (cached context, or training sequence length)"),
    ScenarioKey(
      "memory", "zero_stage", .integer, default: "0", allowed: "0 … 3",
      meaning:
        "training: 0 none, 1 optimizer states, 2 + gradients, 3 + weights sharded over data parallelism"
    ),
    ScenarioKey(
      "memory", "recompute", .choice, default: "\"none\"",
      allowed: ScenarioKey.choices(MemorySpec.Recompute.self),
      meaning: "training: \"none\" keeps every activation"),
    ScenarioKey(
      "memory", "prefill_chunk_tokens", .integer, default: "none (whole prompts)", allowed: "≥ 1",
      meaning:
        "inference: prompt tokens per forward pass (chunked prefill, vLLM's max_num_batched_tokens); sizes the activation workspace"
    ),
  ]

  static let compute: [ScenarioKey] = [
    ScenarioKey(
      "compute", "training_tokens", .number, default: "none", allowed: "1 … 1e30",
      meaning: "tokens D of a training run")
  ]
}
