import Foundation
import Testing

@testable import MoESim

/// Properties that hold for every valid scenario, checked on many random small ones drawn from a
/// fixed seed: conservation of assignments, non-negative loads, no drops when dropless,
/// max/mean ≥ 1, total ≥ active parameters, and identical files for 1 and 3 threads.
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
    var moe: [String: JSONValue] = [
      "experts": .integer(experts), "top_k": .integer(int(1...min(experts, 6))),
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
    let router: [String: JSONValue] = [
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
    return .object([
      "name": .string("random-\(index)"), "seed": .integer(int(0...1_000_000)),
      "model": .object(model), "router": .object(router), "workload": .object(workload),
    ])
  }

  @Test(arguments: 0..<count)
  func propertiesHold(index: Int) throws {
    let scenario = try Scenario(tree: Self.tree(index), file: "random-\(index)")
    let moe = try #require(scenario.model.moe)
    let tokens = scenario.workload.tokensPerStep
    let params = ParameterCount(model: scenario.model)
    #expect(params.total >= params.active && params.active > 0)
    #expect(params.components.allSatisfy { $0.total >= $0.active && $0.active >= 0 })

    var rows: [LayerStepMetrics] = []
    let totals = try Simulation(scenario: scenario).run(threads: 2) { _, layers in
      rows += layers
    }
    let moeLayers = scenario.model.moeLayerIndices.count
    #expect(rows.count == scenario.workload.steps * moeLayers)
    for row in rows {
      // Conservation: every token makes top_k assignments, each kept or dropped.
      #expect(row.assignmentsKept + row.assignmentsDropped == tokens * moe.topK)
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
