import Foundation
import Testing

@testable import MoESim

/// Seeded random overrides of the built-in quickstart over every key's validated range, bounds
/// included: whenever the scenario validates, its run either is refused up front with a
/// `ScenarioError` (work budget, working memory, a step that cannot fit) or finishes with every
/// number of every CSV file finite. Sizes that scale the work (tokens, steps, layers, router
/// width, vocabulary, experts) draw from small ranges with their lower bound and, where one case
/// stays fast, their upper bound; every other knob draws from its whole range.
///
/// `MOESIM_PROPERTY_TIMING=1` prints each case's time and overrides to standard error, to find
/// a slow combination.
@Suite struct ScenarioRangePropertyTests {
  static let cases = 500
  /// Routing work a case may take on (`WorkBudget.routingDecisions`): well below the command
  /// line's budget, so that every case stays in milliseconds on a debug build.
  static let caseDecisions = 20_000.0

  /// Seeded draws, half of them at a bound of their range.
  struct Draws {
    var random: Xoshiro256StarStar

    mutating func chance(_ probability: Double) -> Bool {
      random.nextUnitDouble() < probability
    }

    mutating func uniform(_ range: ClosedRange<Int>) -> Int {
      let span = UInt64(range.upperBound - range.lowerBound) + 1
      return range.lowerBound + Int(random.next() % span)
    }

    /// The lower bound, the upper bound (a quarter of the time each) or a uniform value.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      switch random.next() % 4 {
      case 0: return range.lowerBound
      case 1: return range.upperBound
      default: return uniform(range)
      }
    }

    /// A bound, a uniform value, or (when the range spans orders of magnitude) a log-uniform
    /// value from 1e-6 of the top.
    mutating func real(_ range: ClosedRange<Double>) -> Double {
      switch random.next() % 5 {
      case 0: return range.lowerBound
      case 1: return range.upperBound
      case 2:
        let top = range.upperBound
        let low = max(range.lowerBound, top * 1e-6)
        guard low > 0, top > low else { fallthrough }
        return exp(log(low) + random.nextUnitDouble() * (log(top) - log(low)))
      default:
        return range.lowerBound + random.nextUnitDouble() * (range.upperBound - range.lowerBound)
      }
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[uniform(0...(choices.count - 1))] }

    mutating func choice<C: RawRepresentable & CaseIterable>(_ type: C.Type) -> String
    where C.RawValue == String {
      pick(C.allCases.map(\.rawValue))
    }
  }

  /// The `--set` arguments of case `index`.
  static func overrides(_ index: Int) -> [String] {
    var draw = Draws(random: Xoshiro256StarStar(seed: 0x5CE_0000 + UInt64(index)))
    var sets: [String] = []
    func set(_ path: String, _ value: Any) { sets.append("\(path)=\(value)") }
    /// Sets `path` a third of the time.
    func maybe(_ path: String, _ value: @autoclosure () -> Any) {
      if draw.chance(0.35) { set(path, value()) }
    }
    let dimension = ScenarioLimits.modelDimension

    // The work-scaling sizes: small, with their lower bounds (and rarely the upper bound of
    // those that only enter the accounting).
    // The upper bounds that cost seconds in a debug build (65,536 experts, 2²² token types: linear
    // work, no defect) are drawn in one case each.
    let manyExperts = index == 7
    let largeVocabulary = index == 11
    let layers = draw.int(1...(manyExperts ? 2 : 4))
    let heads = draw.pick([1, 2, 4, 8])
    let hiddenSize = draw.chance(0.03) ? dimension : heads * draw.int(1...16)
    let experts = manyExperts ? ScenarioLimits.experts : draw.int(1...32)
    let topK = draw.chance(0.1) ? experts : draw.int(1...min(experts, 8))
    let tokens = draw.int(1...(manyExperts ? 2 : 16))
    set("model.layers", layers)
    set("model.hidden_size", hiddenSize)
    set("model.attention.heads", heads)
    set("model.attention.kv_heads", draw.pick([1, 2, 4, 8].filter { heads % $0 == 0 }))
    set("model.vocab_size", draw.chance(0.03) ? dimension : draw.int(1...64))
    set("model.ffn.intermediate_size", draw.chance(0.03) ? dimension : draw.int(1...64))
    set("model.moe.experts", experts)
    set("model.moe.top_k", topK)
    set("model.moe.expert_intermediate_size", draw.chance(0.03) ? dimension : draw.int(1...64))
    set("model.moe.first_dense_layers", draw.uniform(0...(layers - 1)))
    set("workload.tokens_per_step", tokens)
    set("workload.steps", draw.int(1...3))
    set(
      "workload.router_dim",
      manyExperts ? 1 : draw.chance(0.03) ? ScenarioLimits.routerDim : draw.int(1...16))
    set(
      "workload.vocab_size",
      largeVocabulary ? ScenarioLimits.workloadVocabulary : draw.int(1...64))
    if draw.chance(0.5) {
      set("workload.sequence_length", draw.chance(0.1) ? Int.max : draw.int(1...16))
    } else {
      set("workload.sequences_per_step", draw.int(1...tokens))
      set("workload.sequence_length", "null")
    }
    let domainCount = draw.int(1...3)
    // The first weight positive, so that the sum is.
    let domains = (0..<domainCount).map {
      "{name: \"d\($0)\", weight: \($0 == 0 ? draw.real(0.01...2) : draw.real(0...2))}"
    }
    set("workload.domains", "[" + domains.joined(separator: ", ") + "]")
    maybe("seed", draw.int(0...Int.max))

    // The model's other keys.
    maybe("model.tied_embeddings", draw.chance(0.5))
    maybe("model.norm", draw.choice(NormKind.self))
    maybe("model.active_counts_embedding", draw.chance(0.5))
    maybe("model.mtp_modules", draw.int(0...1_000))
    maybe("model.attention.qkv_bias", draw.chance(0.5))
    maybe("model.attention.output_bias", draw.chance(0.5))
    maybe("model.attention.qk_norm", draw.choice(QKNormKind.self))
    maybe("model.ffn.kind", draw.choice(FeedForwardKind.self))
    maybe("model.ffn.bias", draw.chance(0.5))
    maybe("model.moe.shared_experts", draw.chance(0.1) ? ScenarioLimits.experts : draw.int(0...2))
    maybe("model.moe.shared_expert_intermediate_size", draw.int(1...64))
    maybe("model.moe.layer_interval", draw.int(1...layers))
    maybe("model.moe.router_bias", draw.chance(0.5))
    maybe("model.moe.shared_expert_gate", draw.chance(0.5))
    maybe("model.moe.expert_bias", draw.chance(0.5))
    maybe(
      "model.moe.dense_layers",
      "[\((1..<layers).filter { _ in draw.chance(0.2) }.map(String.init).joined(separator: ","))]")

    // The router: every key over its whole range.
    let kinds = RouterKind.allCases.filter {
      ($0 != .switchTop1 || topK == 1) && ($0 != .gshardTop2 || topK == 2)
    }
    let kind = draw.pick(kinds.map(\.rawValue))
    set("router.kind", kind)
    maybe("router.normalize_topk", draw.chance(0.5))
    maybe(
      "router.capacity_factor",
      draw.chance(0.3)
        ? "null" : String(draw.real(Double.leastNormalMagnitude...ArithmeticLimits.capacityFactor)))
    maybe("router.drop_policy", draw.choice(DropPolicy.self))
    maybe("router.temperature", draw.real(ArithmeticLimits.temperature))
    maybe("router.bias_spread", draw.real(0...ArithmeticLimits.gaussianScale))
    maybe("router.score_order", draw.choice(ScoreOrder.self))
    maybe(
      "router.routed_scaling_factor",
      draw.real(Double.leastNormalMagnitude...ArithmeticLimits.gateScale))
    if draw.chance(0.3) {
      let divisors = (1...experts).filter { experts % $0 == 0 }
      let groups = draw.pick(divisors)
      set("router.n_group", groups)
      set("router.topk_group", draw.int(max(1, (topK * groups + experts - 1) / experts)...groups))
    }
    maybe("router.noise_std", draw.real(0...ArithmeticLimits.gaussianScale))
    maybe("router.capacity_scope", draw.choice(CapacityScope.self))
    maybe("router.pad_to_capacity", draw.chance(0.5))
    maybe("router.bias_update_rate", draw.real(0...ArithmeticLimits.biasUpdateRate))
    maybe("router.aux_bias_coeff", draw.real(0...ArithmeticLimits.auxBiasCoefficient))
    maybe("router.sequence_aux_loss", draw.chance(0.5))
    maybe("router.aux_loss_coeff", draw.real(0...ArithmeticLimits.auxBiasCoefficient))
    maybe("router.warmup_steps", draw.chance(0.2) ? ScenarioLimits.warmupSteps : draw.int(0...3))

    // The workload's other keys.
    maybe("workload.zipf_exponent", draw.real(0...10))
    maybe("workload.noise", draw.real(0...ArithmeticLimits.gaussianScale))
    maybe("workload.domain_offset_scale", draw.real(0...ArithmeticLimits.gaussianScale))
    maybe("workload.context_scale", draw.real(0...ArithmeticLimits.gaussianScale))
    maybe("workload.context_correlation", draw.real(0...1))
    maybe("workload.layer_persistence", draw.real(0...1))
    if draw.chance(0.2) {
      let points = (0..<draw.int(1...2)).map { point in
        "{step: \(point * draw.int(1...3)), weights: {d0: \(draw.real(0...2)), d\(domainCount - 1): 1}}"
      }
      set("workload.domain_schedule", "[" + points.joined(separator: ", ") + "]")
    }

    // Precision, memory and compute accounting.
    maybe("precision.weights", draw.choice(NumberFormat.self))
    maybe("precision.weight_group_size", draw.int(0...dimension))
    let cacheFormats = NumberFormat.allCases.filter(\.isElementwise).map(\.rawValue)
    maybe("precision.kv_cache", draw.pick(cacheFormats))
    maybe("precision.activations", draw.pick(cacheFormats))
    maybe("memory.mode", draw.choice(MemorySpec.Mode.self))
    maybe("memory.batch", draw.int(1...(1 << 30)))
    maybe("memory.context", draw.int(1...(1 << 40)))
    maybe("memory.zero_stage", draw.int(0...3))
    maybe("memory.recompute", draw.choice(MemorySpec.Recompute.self))
    maybe("compute.training_tokens", draw.real(1...ArithmeticLimits.trainingTokens))

    // The cluster: a layout the rules allow (most of the time), device, placement and cost.
    if draw.chance(0.5) {
      let tp = draw.pick([1, 2, 4, 8].filter { heads % $0 == 0 })
      let dp = draw.chance(0.05) ? 65_536 : draw.int(1...4)
      let group = tp * dp
      let ep = draw.pick((1...min(experts, group)).filter { group % $0 == 0 })
      let expertTP = draw.pick((1...(group / ep)).filter { (group / ep) % $0 == 0 })
      set("cluster.layout.tp", tp)
      set("cluster.layout.dp", dp)
      set("cluster.layout.pp", draw.int(1...layers))
      set("cluster.layout.ep", ep)
      set("cluster.layout.expert_tp", expertTP)
      if draw.chance(0.6) {
        set("cluster.placement.strategy", draw.choice(PlacementKind.self))
        set("cluster.placement.redundant_slots", (ep - experts % ep) % ep + ep * draw.int(0...1))
        maybe("cluster.placement.groups", draw.pick((1...experts).filter { experts % $0 == 0 }))
        maybe("cluster.placement.window_steps", draw.chance(0.2) ? 1 << 30 : draw.int(1...3))
        maybe("cluster.placement.replan_every", draw.chance(0.2) ? 1 << 30 : draw.int(0...3))
        maybe("cluster.placement.dedup_dispatch", draw.chance(0.5))
      }
    }
    if draw.chance(0.2) {
      // An inline device: every rate over its whole range, memory positive.
      let rates = ArithmeticLimits.deviceRate
      let fields = [
        "hbm_bandwidth_gbps", "bf16_tflops", "intra_node_bandwidth_gbps",
        "inter_node_bandwidth_gbps",
      ].map { "\($0): \(draw.real(rates))" }
      let optional = ["fp32_tflops", "fp8_tflops", "int8_tops", "fp4_tflops"]
        .filter { _ in draw.chance(0.5) }.map { "\($0): \(draw.real(rates))" }
      let latency = "link_latency_us: \(draw.real(0...ArithmeticLimits.linkLatencyMicroseconds))"
      let memory = "memory_gb: \(draw.real(1...ArithmeticLimits.deviceMemoryGiB))"
      set("cluster.device", "{" + ([memory, latency] + fields + optional).joined(separator: ", ") + "}")
    } else {
      maybe("cluster.device", "\"\(draw.pick(DeviceCatalog.names))\"")
    }
    maybe(
      "cluster.device_memory_gib",
      draw.real(Double.leastNormalMagnitude...ArithmeticLimits.deviceMemoryGiB))
    maybe("cluster.devices_per_node", draw.int(1...65_536))
    maybe("cluster.max_tp", draw.int(1...4_096))
    maybe("cluster.cost.mode", draw.choice(ClusterCostSpec.Mode.self))
    maybe("cluster.cost.compute_efficiency", draw.real(ArithmeticLimits.efficiency))
    maybe("cluster.cost.bandwidth_efficiency", draw.real(ArithmeticLimits.efficiency))
    maybe("cluster.cost.overlap", draw.real(0...1))
    maybe("cluster.cost.charge_replan_copy", draw.chance(0.5))
    return sets
  }

  /// The numbers of a CSV file's fields that read as numbers, with their column names.
  static func nonFiniteFields(_ url: URL) throws -> [String] {
    let rows = try TestSupport.readCSV(url)
    guard let header = rows.first else { return [] }
    var bad: [String] = []
    for row in rows.dropFirst() {
      for (column, field) in zip(header, row) {
        if let value = Double(field), !value.isFinite { bad.append("\(column)=\(field)") }
      }
    }
    return bad
  }

  /// The scenarios that do not start from the quickstart run to finite results too: the
  /// recorded-trace replay as shipped, and Hugging Face configs standing in for a scenario,
  /// cut to two short steps (the figures are the model's; only the work is smaller).
  @Test(arguments: [
    ("trace-replay.json5", [String]()),
    (
      "hf/olmoe-1b-7b.json",
      ["workload.steps=2", "workload.tokens_per_step=256", "router.warmup_steps=0"]
    ),
    (
      "hf/mixtral-8x7b-v0.1.json",
      ["workload.steps=2", "workload.tokens_per_step=256", "router.warmup_steps=0"]
    ),
    (
      "hf/qwen3-30b-a3b.json",
      ["workload.steps=2", "workload.tokens_per_step=256", "router.warmup_steps=0"]
    ),
  ])
  func recordedAndImportedScenariosRunToFiniteResults(name: String, sets: [String]) throws {
    let path =
      name.hasPrefix("hf/")
      ? TestSupport.packageRoot.appendingPathComponent("Tests/MoESimTests/Fixtures/\(name)").path
      : TestSupport.scenarioPath(name)
    let scenario = try Scenario.load(
      path: path, overrides: sets.map(ScenarioOverride.init(parsing:)))
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try RunWriter.run(scenario, folder: folder.path, threads: 2)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".csv") }.sorted()
    #expect(files.contains("summary.csv") && files.contains("steps.csv"), "\(files)")
    for file in files {
      let rows = try TestSupport.readCSV(folder.appendingPathComponent(file))
      #expect(rows.count >= 2, "\(name) \(file) has no rows")
      let bad = try Self.nonFiniteFields(folder.appendingPathComponent(file))
      #expect(bad.isEmpty, "\(name) \(file): \(bad.prefix(4))")
    }
  }

  @Test func everyValidScenarioRunsToFiniteResults() throws {
    let timing = ProcessInfo.processInfo.environment["MOESIM_PROPERTY_TIMING"] != nil
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    var valid = 0
    var completed = 0
    for index in 0..<Self.cases {
      let sets = Self.overrides(index)
      let started = Date()
      defer {
        if timing {
          let seconds = Date().timeIntervalSince(started)
          FileHandle.standardError.write(
            Data(String(format: "case %d %.3f s: ", index, seconds).utf8)
              + Data((sets.joined(separator: " ") + "\n").utf8))
        }
      }
      let scenario: Scenario
      do {
        scenario = try TestSupport.quickstart(sets)
      } catch let error as ScenarioError {
        if timing { FileHandle.standardError.write(Data("refused \(index): \(error)\n".utf8)) }
        continue
      }
      valid += 1
      let folder = parent.appendingPathComponent("case-\(index)")
      do {
        guard WorkBudget.routingDecisions(of: scenario) <= Self.caseDecisions else { continue }
        try WorkBudget.check(scenario, file: "case \(index)")
        try WorkingMemory.checkFits(scenario, file: "case \(index)", threads: 2)
        try RunWriter.run(scenario, folder: folder.path, threads: 2)
      } catch is ScenarioError {
        continue
      } catch {
        Issue.record("case \(index) threw \(error): \(sets.joined(separator: " "))")
        continue
      }
      completed += 1
      let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasSuffix(".csv") }.sorted()
      for file in files {
        let bad = try Self.nonFiniteFields(folder.appendingPathComponent(file))
        #expect(
          bad.isEmpty,
          "case \(index) \(file): \(bad.prefix(4)) with \(sets.joined(separator: " "))")
      }
      try? FileManager.default.removeItem(at: folder)
    }
    // The draws keep most cases valid and most valid ones within the case budget.
    #expect(valid >= Self.cases / 2, "\(valid) of \(Self.cases) cases validate")
    #expect(completed >= valid / 2, "\(completed) of \(valid) valid cases ran")
  }
}
