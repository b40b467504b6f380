import Foundation

/// Reads a Hugging Face `config.json`, key by key, and records the scenario keys it implies, each
/// with the config key it came from. Every key of the config is either read by the family's
/// mapping or on the list of keys that do not change the architecture
/// (`HuggingFaceConfig.harmlessKeys`); any other key is refused, so that nothing that shapes the
/// model is dropped silently.
public struct HuggingFaceConfig {
  /// One scenario key the config implies.
  public struct Entry: Sendable, Equatable {
    /// Dotted scenario path, e.g. `model.moe.top_k`.
    public var path: String
    public var value: JSONValue
    /// Where the value came from, e.g. `num_experts_per_tok` or `fixed by model_type "mixtral"`.
    public var source: String
  }

  /// The file the config came from, as named in errors.
  public let file: String
  /// The config's `model_type`.
  public let modelType: String
  /// The scenario keys, in the order the mapping set them.
  public private(set) var entries: [Entry] = []
  /// Why the config's router cannot be imported, when its model can: a scenario that takes only
  /// the model (`model: { hf_config: ... }`) still works, a whole imported scenario does not.
  public private(set) var routerRefusal: ScenarioError?

  private let fields: [String: JSONValue]
  /// Prefix of the keys read here inside the file (`attn_config.` for DBRX's nested objects).
  private let prefix: String
  private var read: Set<String> = []

  /// Reads the top-level object of `tree`; `file` names it in errors.
  init(tree: JSONValue, file: String) throws {
    guard case .object(let fields) = tree else {
      throw ScenarioError(
        file: file, path: "", kind: .wrongType(value: tree.rendered, expected: "a JSON object"))
    }
    self.file = file
    self.fields = fields
    self.prefix = ""
    guard case .string(let type)? = fields["model_type"] else {
      throw ScenarioError(
        file: file, path: "model_type",
        kind: .wrongType(value: fields["model_type"]?.rendered ?? "null", expected: "a string"))
    }
    modelType = type
    read.insert("model_type")
  }

  private init(nested fields: [String: JSONValue], file: String, prefix: String, modelType: String)
  {
    self.fields = fields
    self.file = file
    self.prefix = prefix
    self.modelType = modelType
    // DBRX's nested configs carry an empty `model_type` of their own.
    read.insert("model_type")
  }

  // MARK: Reading

  /// The error for `key` of this config.
  func error(_ key: String, _ kind: ScenarioError.Kind) -> ScenarioError {
    ScenarioError(file: file, path: prefix + key, kind: kind)
  }

  /// Whether `key` is present and not `null`.
  func has(_ key: String) -> Bool {
    if let value = fields[key], value != .null { return true }
    return false
  }

  /// Whether `key` is written as `null` (not merely absent).
  func isExplicitNull(_ key: String) -> Bool { fields[key] == .null }

  /// The raw value of `key` (nil when absent or `null`), marked as read.
  mutating func raw(_ key: String) -> JSONValue? {
    read.insert(key)
    guard let value = fields[key], value != .null else { return nil }
    return value
  }

  /// An integer in `range`, or nil when absent.
  mutating func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
    guard let value = raw(key) else { return nil }
    let allowed = ScenarioReader.describe(range)
    guard let integer = value.integralValue else {
      throw error(key, .wrongType(value: value.rendered, expected: "an integer \(allowed)"))
    }
    guard range.contains(integer) else {
      throw error(key, .outOfRange(value: value.rendered, allowed: allowed))
    }
    return integer
  }

  /// A required integer in `range` (model sizes default to `1...ScenarioLimits.modelDimension`).
  mutating func int(_ key: String, in range: ClosedRange<Int> = 1...ScenarioLimits.modelDimension)
    throws -> Int
  {
    guard let value = try optionalInt(key, in: range) else {
      throw error(key, .missingKey(reason: "model_type \"\(modelType)\" needs it"))
    }
    return value
  }

  /// A boolean; absent or `null` takes `defaultValue`, the transformers config class's default.
  mutating func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
    guard let value = raw(key) else { return defaultValue }
    guard case .bool(let flag) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "true or false"))
    }
    return flag
  }

  /// A finite number accepted by `isAllowed`, or nil when absent.
  mutating func optionalDouble(
    _ key: String, allowed: String, where isAllowed: (Double) -> Bool
  ) throws -> Double? {
    guard let value = raw(key) else { return nil }
    return try value.finiteNumber(allowed: allowed, where: isAllowed) { error(key, $0) }
  }

  /// A string among `allowed`, or nil when absent.
  mutating func optionalString(_ key: String, among allowed: [String]) throws -> String? {
    guard let value = raw(key) else { return nil }
    let names = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
    guard case .string(let text) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "one of \(names)"))
    }
    guard allowed.contains(text) else {
      throw error(key, .outOfRange(value: value.rendered, allowed: "one of \(names)"))
    }
    return text
  }

  /// A list of integers in `range`, or nil when absent.
  mutating func optionalIntList(_ key: String, in range: ClosedRange<Int>) throws -> [Int]? {
    guard let value = raw(key) else { return nil }
    guard case .array(let elements) = value else {
      throw error(key, .wrongType(value: value.rendered, expected: "an array of integers"))
    }
    return try elements.enumerated().map { index, element in
      guard case .integer(let integer) = element, range.contains(integer) else {
        throw ScenarioError(
          file: file, path: "\(prefix)\(key)[\(index)]",
          kind: .outOfRange(
            value: element.rendered, allowed: "an integer in \(ScenarioReader.describe(range))"))
      }
      return integer
    }
  }

  /// Reads the KV-head count `key` (1...`heads`, a divisor of `heads`) into
  /// `model.attention.kv_heads`.
  mutating func copyKVHeads(_ key: String, heads: Int, headsKey: String) throws {
    let kvHeads = try copyInt(key, to: "model.attention.kv_heads", in: 1...heads)
    guard heads % kvHeads == 0 else {
      throw error(
        key, .outOfRange(value: String(kvHeads), allowed: "a divisor of \(headsKey) = \(heads)"))
    }
  }

  /// The activation must make the FFN a gated SiLU unit (`swiglu`), which is what MoESim counts.
  mutating func requireGatedSiLU(_ key: String = "hidden_act") throws {
    guard let value = raw(key) else { return }
    guard value == .string("silu") || value == .string("swish") else {
      throw error(
        key,
        .outOfRange(
          value: value.rendered,
          allowed: "\"silu\" (the gated SwiGLU feed-forward MoESim counts for model_type "
            + "\"\(modelType)\")"))
    }
  }

  /// Refuses `key`, which asks for `feature`, a part of the architecture MoESim cannot express.
  func refuse(_ key: String, value: JSONValue?, feature: String) -> ScenarioError {
    error(
      key,
      .outOfRange(
        value: value?.rendered ?? "null",
        allowed: "a config without \(feature), which MoESim cannot express (importing it would "
          + "count a different model)"))
  }

  /// Records that the router cannot be imported (see `routerRefusal`); the first reason wins.
  mutating func refuseRouter(_ error: ScenarioError) {
    if routerRefusal == nil { routerRefusal = error }
  }

  /// Reads the nested object at `key` (DBRX's `attn_config`, `ffn_config`) with `body`; its keys
  /// are checked like the top level's.
  mutating func nested<T>(_ key: String, _ body: (inout HuggingFaceConfig) throws -> T) throws -> T
  {
    guard case .object(let inner)? = raw(key) else {
      throw error(key, .missingKey(reason: "model_type \"\(modelType)\" needs an object here"))
    }
    var reader = HuggingFaceConfig(
      nested: inner, file: file, prefix: prefix + key + ".", modelType: modelType)
    let result = try body(&reader)
    try reader.rejectUnreadKeys()
    entries += reader.entries
    if let refusal = reader.routerRefusal { refuseRouter(refusal) }
    return result
  }

  // MARK: Recording

  /// Records the scenario key `path` = `value`, taken from `source`.
  mutating func set(_ path: String, _ value: JSONValue, from source: String) {
    entries.removeAll { $0.path == path }
    entries.append(Entry(path: path, value: value, source: source))
  }

  /// Records an integer read from the config key of the same meaning.
  mutating func set(_ path: String, _ value: Int, from source: String) {
    set(path, .integer(value), from: prefix + source)
  }

  /// Records a boolean, noting when it is the transformers default because the key is absent.
  mutating func set(_ path: String, _ value: Bool, from key: String, defaultUsed: Bool) {
    let source = defaultUsed ? "\(prefix)\(key) absent: transformers' default" : prefix + key
    set(path, .bool(value), from: source)
  }

  /// Reads the boolean `key` (transformers default `defaultValue`) and records it at `path`.
  mutating func copyBool(_ key: String, to path: String, default defaultValue: Bool) throws {
    let present = has(key)
    let value = try bool(key, default: defaultValue)
    set(path, value, from: key, defaultUsed: !present)
  }

  /// Reads the size `key` and records it at `path`.
  @discardableResult
  mutating func copyInt(
    _ key: String, to path: String, in range: ClosedRange<Int> = 1...ScenarioLimits.modelDimension
  ) throws -> Int {
    let value = try int(key, in: range)
    set(path, value, from: key)
    return value
  }

  // MARK: Completeness

  /// Keys that do not change the parameters, memory or routing MoESim models: token ids, numeric
  /// epsilons, dropout and initialisation, positional-encoding constants (RoPE has no weights),
  /// training-loss coefficients, and bookkeeping.
  static let harmlessKeys: Set<String> = [
    "_name_or_path", "architectures", "auto_map", "bos_token_id", "eos_token_id", "pad_token_id",
    "torch_dtype", "dtype", "transformers_version", "initializer_range", "rms_norm_eps",
    "layer_norm_eps", "layer_norm_epsilon", "rope_theta", "rope_scaling", "rope_parameters",
    "use_cache", "attention_dropout", "max_position_embeddings", "output_router_logits",
    "router_aux_loss_coef", "router_jitter_noise", "pretraining_tp", "aux_loss_alpha",
    "seq_aux", "ep_size", "rope_interleave", "tokenizer_class", "use_bfloat16",
    "resid_pdrop", "emb_pdrop", "attn_pdrop", "max_seq_len", "clip_qkv", "moe_jitter_eps",
    "moe_loss_weight", "initializer_factor", "output_attentions", "output_hidden_states",
    "return_dict", "is_decoder", "chat_template", "sep_token_id",
  ]

  /// The generic `PretrainedConfig` attributes (generation defaults, labels, output switches)
  /// that a nested config object carries when transformers serialises it whole (DBRX's
  /// `attn_config` and `ffn_config`); none describes the architecture.
  static let nestedConfigClutter: Set<String> = [
    "return_dict", "output_hidden_states", "output_attentions", "torchscript", "torch_dtype",
    "use_bfloat16", "tf_legacy_loss", "pruned_heads", "tie_word_embeddings",
    "chunk_size_feed_forward", "is_encoder_decoder", "is_decoder", "cross_attention_hidden_size",
    "add_cross_attention", "tie_encoder_decoder", "max_length", "min_length", "do_sample",
    "early_stopping", "num_beams", "num_beam_groups", "diversity_penalty", "temperature", "top_k",
    "top_p", "typical_p", "repetition_penalty", "length_penalty", "no_repeat_ngram_size",
    "encoder_no_repeat_ngram_size", "bad_words_ids", "num_return_sequences", "output_scores",
    "return_dict_in_generate", "forced_bos_token_id", "forced_eos_token_id",
    "remove_invalid_values", "exponential_decay_length_penalty", "suppress_tokens",
    "begin_suppress_tokens", "architectures", "finetuning_task", "id2label", "label2id",
    "tokenizer_class", "prefix", "bos_token_id", "pad_token_id", "eos_token_id", "sep_token_id",
    "decoder_start_token_id", "task_specific_params", "problem_type", "_name_or_path",
    "transformers_version",
  ]

  /// Refuses the first key (in sorted order) neither read nor harmless.
  func rejectUnreadKeys() throws {
    let ignorable =
      prefix.isEmpty ? Self.harmlessKeys : Self.harmlessKeys.union(Self.nestedConfigClutter)
    for key in fields.keys.sorted() where !read.contains(key) && !ignorable.contains(key) {
      throw error(
        key,
        .unknownKey(
          suggestion: nil,
          allowed: [
            "keys MoESim knows for model_type \"\(modelType)\" (it may change the "
              + "architecture, so it is not ignored)"
          ]))
    }
  }
}
