import Testing

@testable import MoESim

/// The router keys are checked against the model they route for, with one-line errors.
@Suite struct RouterSpecTests {
  func error(_ overrides: [String]) throws -> String {
    try #require(throws: ScenarioError.self) { try TestSupport.quickstart(overrides) }.description
  }

  @Test func defaultsKeepTheOriginalRouter() throws {
    let router = try TestSupport.quickstart([]).router
    #expect(router.kind == .softmaxTopK && router.scoreOrder == .softmaxThenTopK)
    #expect(router.groups == 1 && router.topKGroups == 1 && router.routedScalingFactor == 1)
    #expect(router.capacityScope == .batch && !router.padToCapacity)
    #expect(router.biasUpdateRate == 0 && router.auxBiasCoefficient == 0)
  }

  @Test func switchNeedsTopOne() throws {
    #expect(
      try error(["router.kind=switch"])
        == "--set router.kind=switch: router.kind = \"switch\" is out of range; allowed with "
        + "model.moe.top_k = 1 only (got 2)")
  }

  @Test func gshardNeedsTopTwo() throws {
    #expect(try error(["router.kind=gshard_top2", "model.moe.top_k=3"]).contains("top_k = 2 only"))
  }

  @Test func groupsMustDivideTheExperts() throws {
    #expect(
      try error(["router.n_group=3"]).contains(
        "router.n_group = 3 is out of range; allowed a divisor of model.moe.experts = 16"))
  }

  @Test func selectedGroupsMustHoldTopKExperts() throws {
    // 16 experts in 16 groups of one: one group holds one expert, fewer than top_k = 2.
    #expect(
      try error(["router.n_group=16", "router.topk_group=1"]).contains("router.topk_group = 1"))
    #expect(try error(["router.topk_group=2"]).contains("allowed 1...1 (router.n_group)"))
  }

  @Test func balancingOptionsNeedAFittingKind() throws {
    #expect(
      try error(["router.kind=hash", "router.bias_update_rate=0.001"]).contains(
        "router.bias_update_rate = 0.001 is out of range; allowed 0 for router.kind = \"hash\""))
    #expect(
      try error(["router.kind=sigmoid_topk", "router.aux_bias_coeff=0.1"]).contains(
        "router.aux_bias_coeff"))
    #expect(
      try error(["router.kind=expert_choice", "router.capacity_scope=sequence"]).contains(
        "router.capacity_scope"))
  }

  @Test func unknownChoicesListTheAllowedOnes() throws {
    #expect(
      try error(["router.score_order=late"]).contains(
        "allowed one of \"softmax_then_topk\", \"topk_then_softmax\""))
  }
}
