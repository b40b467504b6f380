import Foundation
import Testing

@testable import MoESim

@Suite struct ValidationTests {
  struct Rule: Sendable, CustomStringConvertible {
    var override: String
    /// The whole expected one-line message, after the file name.
    var message: String
    var description: String { override }
  }

  // One case per validation rule, each applied to the quickstart with --set.
  static let rules: [Rule] = [
    Rule(override: "model.moe.top_k=17", message: "model.moe.top_k = 17 is out of range; allowed 1...16 (model.moe.experts)"),
    Rule(override: "model.moe.top_k=0", message: "model.moe.top_k = 0 is out of range; allowed 1...16 (model.moe.experts)"),
    Rule(override: "model.moe.experts=0", message: "model.moe.experts = 0 is out of range; allowed 1...65536"),
    Rule(override: "model.moe.experts=2.5", message: "model.moe.experts = 2.5 is out of range; allowed an integer in 1...65536"),
    Rule(override: "model.moe.experts=\"many\"", message: "model.moe.experts = \"many\" has the wrong type; expected an integer in 1...65536"),
    Rule(override: "model.hidden_size=-4", message: "model.hidden_size = -4 is out of range; allowed 1...1099511627776"),
    Rule(override: "router.capacity_factor=0", message: "router.capacity_factor = 0 is out of range; allowed a finite number > 0, or null for dropless"),
    Rule(override: "router.capacity_factor=NaN", message: "router.capacity_factor = NaN is out of range; allowed a finite number > 0, or null for dropless"),
    Rule(override: "router.temperature=Infinity", message: "router.temperature = Infinity is out of range; allowed a finite number > 0"),
    Rule(override: "router.kind=topk", message: "router.kind = \"topk\" is out of range; allowed one of \"softmax_topk\""),
    Rule(override: "router.drop_policy=random", message: "router.drop_policy = \"random\" is out of range; allowed one of \"probs\", \"position\""),
    Rule(override: "router.normalize_topk=1", message: "router.normalize_topk = 1 has the wrong type; expected true or false"),
    Rule(override: "workload.steps=0", message: "workload.steps = 0 is out of range; allowed ≥ 1"),
    Rule(override: "workload.tokens_per_step=1e9", message: "workload.tokens_per_step = 1000000000 is out of range; allowed 1...16777216"),
    Rule(override: "workload.zipf_exponent=-1", message: "workload.zipf_exponent = -1 is out of range; allowed a finite number in 0...10"),
    Rule(override: "workload.domains=[]", message: "workload.domains = [] is out of range; allowed at least one domain"),
    Rule(override: "workload.domains=[{name:\"a\",weight:0}]", message: "workload.domains = 0.0 is out of range; allowed weights whose sum is > 0"),
    Rule(override: "workload.domains=[{name:\"a\"},{name:\"a\"}]", message: "workload.domains[1].name = \"a\" is out of range; allowed a name not used by another domain"),
    Rule(override: "model.attention.kv_heads=3", message: "model.attention.kv_heads = 3 is out of range; allowed a divisor of attention.heads = 16"),
    Rule(override: "model.attention.kv_heads=32", message: "model.attention.kv_heads = 32 is out of range; allowed 1...16 (attention.heads)"),
    Rule(override: "model.moe.first_dense_layers=8", message: "model.moe.first_dense_layers = 8 is out of range; allowed 0...7 (model.layers - 1: at least one MoE layer)"),
    Rule(override: "model.ffn.intermediate_size=null", message: "model.ffn.intermediate_size is required but missing (the model has dense (non-MoE) layers)"),
    Rule(override: "model.moe.expertz=4", message: "model.moe.expertz is not a known key; did you mean 'experts'?"),
    Rule(override: "name=\"a b\"", message: "name = \"a b\" is out of range; allowed letters, digits, '.', '_' and '-' (it names the results folder)"),
    Rule(override: "seed=-1", message: "seed = -1 is out of range; allowed ≥ 0"),
  ]

  @Test(arguments: rules)
  func rejectsWithAPreciseMessage(rule: Rule) throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart([rule.override])
    }
    #expect(error.description.hasPrefix("--set \(rule.override): \(rule.message)"), "\(error)")
    #expect(error.isUsageError)
  }

  @Test func unknownKeyListsTheAllowedKeys() throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["router.capacity=1.0"])
    }
    #expect(error.description.contains("did you mean 'capacity_factor'?"))
    #expect(
      error.description.contains(
        "allowed here: aux_bias_coeff, aux_loss_coeff, bias_spread, bias_spread_by_layer, "
          + "bias_update_rate, capacity_factor"))
  }

  @Test func malformedJSON5NamesTheFileAndLine() throws {
    let error = try #require(throws: ScenarioError.self) {
      try Scenario.parse(Data("{ name: \"x\",\n  seed: }".utf8), file: "bad.json5")
    }
    #expect(error.description.hasPrefix("bad.json5: not valid JSON5: "))
  }

  @Test func missingFileIsMissingInput() throws {
    let error = try #require(throws: ScenarioError.self) {
      try Scenario.load(path: "/nonexistent/scenario.json5")
    }
    #expect(error.isMissingInput)
    #expect(error.description.hasPrefix("/nonexistent/scenario.json5: cannot read scenario"))
  }

  @Test func errorsInTheFileNameTheFile() throws {
    let error = try #require(throws: ScenarioError.self) {
      try Scenario.parse(Data("{ name: \"x\", model: { vocab_size: 0 } }".utf8), file: "f.json5")
    }
    #expect(error.description == "f.json5: model.vocab_size = 0 is out of range; allowed 1...1099511627776")
    #expect(!error.isUsageError)
  }
}
