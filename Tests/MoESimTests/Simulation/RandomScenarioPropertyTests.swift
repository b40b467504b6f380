import Foundation
import Testing

@testable import MoESim

/// Properties that hold for every valid scenario, checked on many random small ones drawn from a
/// fixed seed: conservation of assignments, non-negative loads, no drops when dropless,
/// max/mean ≥ 1, total ≥ active parameters, the fullest device holding at least weight bytes /
/// devices, and identical files for 1 and 3 threads; over random token-choice router kinds
/// (with group-limited routing), layouts, expert placements and memory modes.
@Suite struct RandomScenarioPropertyTests {
  static let count = 60

  /// Random scenario `index`, built as a tree so that it goes through the validator.
  static func tree(_ index: Int) -> JSONValue {
    var random = Xoshiro256StarStar(seed: 0x9E0_0000 + UInt64(index))
    func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(random.next() % UInt64(range.count))
    }
    func real(_ range: ClosedRange<Double>) -> Double {
      range.lowerBound + random.nextUnitDouble() * (range.upperBound - range.lowerBound)
    }
    let layers = int(1...4)
    let experts = int(1...24)
    let heads = [1, 2, 4][int(0...2)]
    let topK = int(1...min(experts, 6))
    var moe: [String: JSONValue] = [
      "experts": .integer(experts), "top_k": .integer(topK),
      "expert_intermediate_size": .integer(int(1...64)),
      "shared_experts": .integer(int(0...2)),
      "first_dense_layers": .integer(int(0...(layers - 1))), "router_bias": .bool(int(0...1) == 1),
    ]
    if int(0...3) == 0 { moe["layer_interval"] = .integer(1) }
    let domains = (0..<int(1...3)).map { domain -> JSONValue in
      .object(["name": .string("d\(domain)"), "weight": .number(real(0.01...2))])
    }
    let model: [String: JSONValue] = [
      "vocab_size": .integer(int(1...5000)), "hidden_size": .integer(heads * int(1...32)),
      "layers": .integer(layers), "attention": .object(["heads": .integer(heads)]),
      "ffn": .object([
        "kind": .string(int(0...1) == 0 ? "swiglu" : "gelu_mlp"),
        "intermediate_size": .integer(int(1...128)), "bias": .bool(int(0...1) == 1),
      ]),
      "tied_embeddings": .bool(int(0...1) == 1), "moe": .object(moe),
    ]
    var router: [String: JSONValue] = [
      "capacity_factor": int(0...2) == 0 ? .null : .number(real(0.25...2.5)),
      "drop_policy": .string(int(0...1) == 0 ? "probs" : "position"),
      "normalize_topk": .bool(int(0...1) == 1), "temperature": .number(real(0.2...3)),
      "bias_spread": .number(real(0...2)),
    ]
    let workload: [String: JSONValue] = [
      "tokens_per_step": .integer(int(1...700)), "steps": .integer(int(1...3)),
      "sequence_length": .integer(int(1...300)), "vocab_size": .integer(int(1...400)),
      "zipf_exponent": .number(real(0...3)), "domains": .array(domains),
      "router_dim": .integer(int(1...40)), "noise": .number(real(0...2)),
      "domain_offset_scale": .number(real(0...2)),
    ]
    let seed = int(0...1_000_000)
    // Drawn after everything above, so the earlier draws are those of the first version.
    let kind = routerKinds(topK: topK)[int(0...(routerKinds(topK: topK).count - 1))]
    router["kind"] = .string(kind)
    if kind != "hash" && int(0...1) == 0 {
      // Group-limited routing: n_group a divisor of E, topk_group groups holding ≥ k experts.
      let divisors = (1...experts).filter { experts % $0 == 0 }
      let groups = divisors[int(0...(divisors.count - 1))]
      let fewest = (topK * groups + experts - 1) / experts
      router["n_group"] = .integer(groups)
      router["topk_group"] = .integer(int(fewest...groups))
    }
    return .object([
      "name": .string("random-\(index)"), "seed": .integer(seed),
      "model": .object(model), "router": .object(router), "workload": .object(workload),
      "cluster": .object(cluster(experts: experts, heads: heads, layers: layers, int)),
      "memory": .object(memory(int)),
    ])
  }

  /// The token-choice router kinds valid for `topK` (expert choice conserves no per-token k).
  static func routerKinds(topK: Int) -> [String] {
    ["softmax_topk", "sigmoid_topk", "noisy_topk", "hash"] + (topK == 1 ? ["switch"] : [])
      + (topK == 2 ? ["gshard_top2"] : [])
  }

  /// A random layout (tp a divisor of the heads, ep ≤ 8 devices of one node, dp = ep so that
  /// ep divides tp × dp, pp ≤ 2) and, half the time, a placement with redundant slots making
  /// experts + slots a multiple of ep.
  static func cluster(
    experts: Int, heads: Int, layers: Int, _ int: (ClosedRange<Int>) -> Int
  ) -> [String: JSONValue] {
    let tp = [1, 2, 4].filter { heads % $0 == 0 }[int(0...(heads >= 2 ? 1 : 0))]
    let ep = int(1...min(experts, 8))
    let pp = int(1...min(layers, 2))
    var cluster: [String: JSONValue] = [
      "layout": .object([
        "tp": .integer(tp), "ep": .integer(ep), "dp": .integer(ep), "pp": .integer(pp),
      ])
    ]
    if int(0...1) == 0 {
      let strategies = ["contiguous", "round_robin", "load_aware", "replicated"]
      let redundant = (ep - experts % ep) % ep + ep * int(0...1)
      cluster["placement"] = .object([
        "strategy": .string(strategies[int(0...3)]), "redundant_slots": .integer(redundant),
      ])
    }
    return cluster
  }

  /// Inference, or training with a random ZeRO stage and recomputation.
  static func memory(_ int: (ClosedRange<Int>) -> Int) -> [String: JSONValue] {
    guard int(0...1) == 0 else {
      return ["mode": .string("inference"), "batch": .integer(int(1...4))]
    }
    return [
      "mode": .string("training"), "zero_stage": .integer(int(0...3)),
      "recompute": .string(int(0...1) == 0 ? "none" : "full"),
    ]
  }

  @Test(arguments: 0..<count)
  func propertiesHold(index: Int) throws {
    let scenario = try Scenario(tree: Self.tree(index), file: "random-\(index)")
    let moe = try #require(scenario.model.moe)
    let tokens = scenario.workload.tokensPerStep
    let params = ParameterCount(model: scenario.model)
    #expect(params.total >= params.active && params.active > 0)
    #expect(params.components.allSatisfy { $0.total >= $0.active && $0.active >= 0 })
    // The fullest device holds at least its even share of the weights: the devices together
    // store every weight at least once (ZeRO-3 shards them, replicas and tied copies add).
    let memory = DeviceMemory(scenario: scenario)
    let layout = scenario.cluster.layout
    let devices = Double(layout.tp * layout.pp * layout.dp)
    let weightBytes = Double(params.total) * scenario.precision.weightBytes
    #expect(memory.worst.totalBytes >= weightBytes / devices * (1 - 1e-12))
    #expect((memory.worst.bytes[.weights] ?? 0) >= weightBytes / devices * (1 - 1e-12))

    var rows: [LayerStepMetrics] = []
    let totals = try Simulation(scenario: scenario).run(threads: 2) { _, layers in
      rows += layers
    }
    let moeLayers = scenario.model.moeLayerIndices.count
    #expect(rows.count == scenario.workload.steps * moeLayers)
    for row in rows {
      // Conservation: every token makes top_k assignments, each kept or dropped; GShard's
      // second expert is skipped at random (an empty slot), its first never.
      let assignments = row.assignmentsKept + row.assignmentsDropped
      if scenario.router.kind == .gshardTop2 {
        #expect(assignments >= tokens && assignments <= tokens * moe.topK)
      } else {
        #expect(assignments == tokens * moe.topK)
      }
      #expect(row.assignmentsKept >= 0 && row.assignmentsDropped >= 0)
      #expect(row.load.minimum >= 0)
      #expect(row.load.maxOverMean >= 1)
      #expect(row.load.minimum <= row.load.mean && row.load.mean <= row.load.maximum)
      if let capacity = row.capacity {
        #expect(row.assignmentsKept <= capacity * moe.experts)
      } else {
        #expect(row.assignmentsDropped == 0 && row.tokensWithoutExpert == 0)
      }
      #expect(row.entropy.isFinite && row.auxLoss.isFinite && row.zLoss.isFinite)
    }
    #expect(totals.keptPerExpert.allSatisfy { $0 >= 0 })
    #expect(totals.droppedPerExpert.allSatisfy { $0 >= 0 })
    #expect(totals.tokens == tokens * scenario.workload.steps)
  }

  /// Every fourth random scenario through the writer with 1 and 3 threads.
  @Test(arguments: Array(stride(from: 0, to: count, by: 4)))
  func filesAreIdenticalForOneAndThreeThreads(index: Int) throws {
    let scenario = try Scenario(tree: Self.tree(index), file: "random-\(index)")
    let parent = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: parent) }
    var outputs: [[Data]] = []
    for threads in [1, 3] {
      let folder = parent.appendingPathComponent("t\(threads)")
      try RunWriter.run(scenario, folder: folder.path, threads: threads)
      outputs.append(
        try RunWriter.files.map { try Data(contentsOf: folder.appendingPathComponent($0)) })
    }
    #expect(outputs[0] == outputs[1])
  }
}
