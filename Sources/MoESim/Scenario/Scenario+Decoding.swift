import Foundation

/// Limits on sizes that the simulator allocates; model sizes used only for accounting are
/// limited just by what the accounting arithmetic (in `Double`) can hold.
public enum ScenarioLimits {
  /// Largest accounted dimension (vocabulary, widths, layers): beyond any published model.
  public static let modelDimension = 1 << 40
  /// Experts per MoE layer that the router simulates.
  public static let experts = 65_536
  /// Tokens per step held in the step buffers.
  public static let tokensPerStep = 1 << 24
  /// Token types of the synthetic workload (its embedding table is `vocab × router_dim` floats).
  public static let workloadVocabulary = 1 << 22
  /// Width of the router's hidden state.
  public static let routerDim = 8_192
  /// Warm-up steps before measurement (`router.warmup_steps`): enough for any balancing
  /// controller to converge, few enough that a typo cannot start a day-long run.
  public static let warmupSteps = 1_000_000
}

extension Scenario {
  /// The keys of a `Scenario` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "")

  /// Builds and validates a scenario from a parsed tree; `file` names it in errors.
  public init(tree: JSONValue, file: String) throws {
    let tree = try HuggingFaceImport.expandingModel(in: tree, file: file)
    self = try ScenarioReader.read(tree, file: file, path: "", keys: Self.keys) { root in
      let name = try root.required("name", try root.optionalString("name"))
      guard name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }), name.first != "."
      else {
        throw root.error(
          "name",
          .outOfRange(
            value: "\"\(name)\"",
            allowed: "letters, digits, '.', '_' and '-' (it names the results folder)"))
      }
      let description = try root.optionalString("description", nonEmpty: false)
      let seed = try root.int("seed", default: 1, in: 0...Int.max)
      let model = try root.object("model", keys: ModelSpec.keys) {
        try ModelSpec(reading: &$0)
      }
      let router = try root.object("router", keys: RouterSpec.keys) {
        try RouterSpec(reading: &$0)
      }
      let workload = try root.object("workload", keys: WorkloadSpec.keys) {
        try WorkloadSpec(reading: &$0)
      }
      try router.validate(model: model, workload: workload, file: file)
      let precision = try root.object("precision", keys: PrecisionSpec.keys) {
        try PrecisionSpec(reading: &$0)
      }
      let cluster = try root.object("cluster", keys: ClusterSpec.keys) {
        try ClusterSpec(reading: &$0, model: model)
      }
      if cluster.placement != nil && router.kind == .expertChoice {
        // Device traffic follows each token's selected experts; expert choice has none.
        throw ScenarioError(
          file: file, path: "cluster.placement",
          kind: .outOfRange(
            value: "a placement",
            allowed: "absent with router.kind = \"expert_choice\" (per-device figures need "
              + "token-choice routing)"))
      }
      let memory = try root.object("memory", keys: MemorySpec.keys) {
        try MemorySpec(reading: &$0, precision: precision)
      }
      let compute = try root.object("compute", keys: ComputeSpec.keys) {
        try ComputeSpec(reading: &$0)
      }
      let validation = try ValidationEntry.read(&root, cluster: cluster)
      let scenario = Scenario(
        name: name, description: description, seed: UInt64(seed), model: model, router: router,
        workload: workload, precision: precision, cluster: cluster, memory: memory,
        compute: compute, validation: validation)
      try scenario.checkArithmeticLimits(file: file)
      return scenario
    }
  }
}

extension ModelSpec {
  /// The keys of a `ModelSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "model")

  init(reading reader: inout ScenarioReader) throws {
    let dimension = 1...ScenarioLimits.modelDimension
    vocabSize = try reader.int("vocab_size", in: dimension)
    hiddenSize = try reader.int("hidden_size", in: dimension)
    layers = try reader.int("layers", in: 1...1_000_000)
    let hidden = hiddenSize
    let layerCount = layers
    attention = try reader.object("attention", keys: AttentionSpec.keys) {
      try AttentionSpec(reading: &$0, hidden: hidden, layers: layerCount)
    }
    tiedEmbeddings = try reader.bool("tied_embeddings", default: false)
    norm = try reader.choice("norm", default: .rmsnorm)
    activeCountsEmbedding = try reader.bool("active_counts_embedding", default: true)
    // The experts' bias defaults to the FFN's, read here before the FFN's width requirement
    // (which depends on the MoE layout) is known.
    let ffnBias = try reader.object("ffn", keys: FeedForwardSpec.keys) {
      try FeedForwardSpec(reading: &$0, needsIntermediateSize: false).bias
    }
    moe = try reader.optionalObject("moe", keys: MoESpec.keys) {
      try MoESpec(reading: &$0, layers: layerCount, defaultExpertBias: ffnBias)
    }
    let moe = moe
    let needsDenseWidth = (0..<layers).contains { !Self.isMoELayer($0, moe: moe) }
    ffn = try reader.object("ffn", keys: FeedForwardSpec.keys) {
      try FeedForwardSpec(reading: &$0, needsIntermediateSize: needsDenseWidth)
    }
    mtpModules = try reader.int("mtp_modules", default: 0, in: 0...1_000)
  }
}

extension AttentionSpec {
  /// The keys of a `AttentionSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "model.attention")

  init(reading reader: inout ScenarioReader, hidden: Int, layers: Int) throws {
    heads = try reader.int("heads", in: 1...ScenarioLimits.modelDimension)
    let heads = heads
    kvHeads = try reader.int(
      "kv_heads", default: heads, in: 1...heads, allowed: "1...\(heads) (attention.heads)")
    guard heads % kvHeads == 0 else {
      throw reader.error(
        "kv_heads",
        .outOfRange(value: String(kvHeads), allowed: "a divisor of attention.heads = \(heads)"))
    }
    if let explicit = try reader.optionalInt("head_dim", in: 1...ScenarioLimits.modelDimension) {
      headDim = explicit
    } else if hidden % heads == 0 {
      headDim = hidden / heads
    } else {
      throw reader.error(
        "head_dim",
        .missingKey(
          reason: "hidden_size = \(hidden) is not divisible by attention.heads = \(heads)"))
    }
    qkvBias = try reader.bool("qkv_bias", default: false)
    outputBias = try reader.bool("output_bias", default: false)
    qkNorm = try reader.choice("qk_norm", default: QKNormKind.none)
    mla = try reader.optionalObject("mla", keys: LatentAttentionSpec.keys) {
      try LatentAttentionSpec(reading: &$0)
    }
    if mla != nil && qkvBias {
      throw reader.error(
        "qkv_bias", .outOfRange(value: "true", allowed: "false when attention.mla is set"))
    }
    sinks = try reader.bool("sinks", default: false)
    slidingWindow = try reader.optionalInt("sliding_window", in: 1...(1 << 40))
    let file = reader.file
    let kinds = AttentionLayerKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
    layerTypes =
      try reader.optionalArray("layer_types") { element, path in
        guard case .string(let name) = element, let kind = AttentionLayerKind(rawValue: name)
        else {
          throw ScenarioError(
            file: file, path: path, kind: .outOfRange(value: element.rendered, allowed: kinds))
        }
        return kind
      } ?? []
    let rendered = "[" + layerTypes.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"
    guard layerTypes.count <= layers else {
      throw reader.error(
        "layer_types",
        .outOfRange(
          value: "a list of \(layerTypes.count)",
          allowed: "at most model.layers = \(layers) entries, repeated over the blocks"))
    }
    if slidingWindow == nil && layerTypes.contains(.sliding) {
      throw reader.error(
        "sliding_window",
        .missingKey(reason: "attention.layer_types = \(rendered) has sliding layers"))
    }
  }
}

extension LatentAttentionSpec {
  /// The keys of a `LatentAttentionSpec` object (DeepSeek-V2/V3 config.json names).
  static let keys = ScenarioKeys.names(in: "model.attention.mla")

  init(reading reader: inout ScenarioReader) throws {
    let dimension = 1...ScenarioLimits.modelDimension
    qLoraRank = try reader.optionalInt("q_lora_rank", in: dimension)
    kvLoraRank = try reader.int("kv_lora_rank", in: dimension)
    qkNopeHeadDim = try reader.int("qk_nope_head_dim", in: dimension)
    qkRopeHeadDim = try reader.int("qk_rope_head_dim", in: dimension)
    vHeadDim = try reader.int("v_head_dim", in: dimension)
  }
}

extension FeedForwardSpec {
  /// The keys of a `FeedForwardSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "model.ffn")

  init(reading reader: inout ScenarioReader, needsIntermediateSize: Bool) throws {
    kind = try reader.choice("kind", default: .swiglu)
    let size = try reader.optionalInt("intermediate_size", in: 1...ScenarioLimits.modelDimension)
    if needsIntermediateSize && size == nil {
      throw reader.error(
        "intermediate_size", .missingKey(reason: "the model has dense (non-MoE) layers"))
    }
    intermediateSize = size
    bias = try reader.bool("bias", default: false)
  }
}

extension MoESpec {
  /// The keys of a `MoESpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "model.moe")

  init(reading reader: inout ScenarioReader, layers: Int, defaultExpertBias: Bool) throws {
    experts = try reader.int("experts", in: 1...ScenarioLimits.experts)
    let experts = experts
    topK = try reader.int(
      "top_k", in: 1...experts, allowed: "1...\(experts) (model.moe.experts)")
    expertIntermediateSize = try reader.int(
      "expert_intermediate_size", in: 1...ScenarioLimits.modelDimension)
    sharedExperts = try reader.int("shared_experts", default: 0, in: 0...ScenarioLimits.experts)
    sharedExpertIntermediateSize = try reader.int(
      "shared_expert_intermediate_size", default: expertIntermediateSize,
      in: 1...ScenarioLimits.modelDimension)
    firstDenseLayers = try reader.int(
      "first_dense_layers", default: 0, in: 0...(layers - 1),
      allowed: "0...\(layers - 1) (model.layers - 1: at least one MoE layer)")
    layerInterval = try reader.int(
      "layer_interval", default: 1, in: 1...layers, allowed: "1...\(layers) (model.layers)")
    routerBias = try reader.bool("router_bias", default: false)
    sharedExpertGate = try reader.bool("shared_expert_gate", default: false)
    expertBias = try reader.bool("expert_bias", default: defaultExpertBias)
    let file = reader.file
    denseLayers =
      try reader.optionalArray("dense_layers") { element, path in
        guard case .integer(let index) = element, (0..<layers).contains(index) else {
          throw ScenarioError(
            file: file, path: path,
            kind: .outOfRange(
              value: element.rendered, allowed: "a layer index in 0...\(layers - 1)"))
        }
        return index
      } ?? []
    let first = firstDenseLayers
    let interval = layerInterval
    let dense = denseLayers
    guard
      (first..<layers).contains(where: { ($0 + 1) % interval == 0 && !dense.contains($0) })
    else {
      if !dense.isEmpty {
        throw reader.error(
          "dense_layers",
          .outOfRange(
            value: "[" + dense.map(String.init).joined(separator: ", ") + "]",
            allowed: "a list that leaves at least one MoE layer"))
      }
      throw reader.error(
        "layer_interval",
        .outOfRange(
          value: String(interval),
          allowed: "a value that leaves at least one MoE layer after first_dense_layers = \(first)")
      )
    }
  }
}
