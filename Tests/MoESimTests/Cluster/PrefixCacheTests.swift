import Testing

@testable import MoESim

/// Prefill with a prefix-cache hit rate: the step's tokens are each prompt's computed suffix.
@Suite struct PrefixCacheTests {
  /// Positions 4 … 7 of a 7-token prompt whose first 3 are cached attend to 4, 5, 6, 7 (mean
  /// 5.5), or with a window of 5 to 4, 5, 5, 5 (4.75); without a prefix the old means hold.
  @Test func attendedPositionsOverTheComputedSuffix() {
    #expect(
      ComputeCost.attendedPositions(context: 7, window: nil, causalMean: true, cachedPrefix: 3)
        == 5.5)
    #expect(
      ComputeCost.attendedPositions(context: 7, window: 5, causalMean: true, cachedPrefix: 3)
        == 4.75)
    #expect(ComputeCost.attendedPositions(context: 8, window: nil, causalMean: true) == 4.5)
    #expect(ComputeCost.attendedPositions(context: 8, window: 3, causalMean: true) == 21.0 / 8)
    #expect(ComputeCost.attendedPositions(context: 8, window: 3, causalMean: false) == 3)
  }

  /// Half of each 4,096-token prompt cached: 2,048 computed tokens attend to 2,048 + 2,049 / 2
  /// positions on average instead of 4,097 / 2, read the prefix's keys and values once per prompt
  /// (twice the cache bytes per computed token) and share one head position per 2,048.
  @Test func halfCachedPrompts() throws {
    let base = [
      "cluster.device=h100-sxm", "cluster.layout={tp: 2}", "memory.context=4096",
      "workload.tokens_per_step=8192",
    ]
    let scenario = try TestSupport.quickstart(base + ["cluster.cost.prefix_cache_hit_rate=0.5"])
    #expect(scenario.cluster.cost.cachedPrefixTokens(context: 4096) == 2048)
    let cached = try #require(CostModel(scenario: scenario))
    let plain = try #require(CostModel(scenario: TestSupport.quickstart(base)))
    let compute = ComputeCost(model: scenario.model, context: 4096)
    let extra = compute.forwardAttentionFLOPsPerPosition * (2048 + 2049.0 / 2 - 4097.0 / 2) / 2
    let difference = cached.layerWork.flopsPerStepToken - plain.layerWork.flopsPerStepToken
    #expect(extra > 0 && abs(difference - extra) <= 1e-9 * extra)
    #expect(
      abs(cached.layerWork.kvCacheBytesPerStepToken - 2 * plain.layerWork.kvCacheBytesPerStepToken)
        <= 1e-12 * plain.layerWork.kvCacheBytesPerStepToken)
    // The once-per-step part: the dense block's attention as above, and the head at one
    // position per 2,048 computed tokens instead of per 4,096.
    let head = compute.forwardHeadFLOPsPerToken * (1.0 / 2048 - 1.0 / 4096) / 2
    let stepDifference = cached.stepWork.flopsPerStepToken - plain.stepWork.flopsPerStepToken
    #expect(head > 0 && abs(stepDifference - (extra + head)) <= 1e-9 * (extra + head))
    // 8,192 computed tokens are 4 half-cached prompts instead of 2 whole ones: twice the cache.
    let placed = ["cluster.placement={}"]
    let footprint = try #require(
      StepFootprint(
        scenario: TestSupport.quickstart(
          base + placed + ["cluster.cost.prefix_cache_hit_rate=0.5"])))
    let whole = try #require(StepFootprint(scenario: TestSupport.quickstart(base + placed)))
    #expect(footprint.stages[0].kvCacheBytes == 2 * whole.stages[0].kvCacheBytes)
  }

  @Test func onlyInPrefill() {
    for overrides in [
      ["cluster.cost.mode=decode", "cluster.cost.prefix_cache_hit_rate=0.5"],
      ["cluster.cost.prefix_cache_hit_rate=1"],
    ] {
      #expect {
        try TestSupport.quickstart(overrides)
      } throws: { error in
        "\(error)".contains("cluster.cost.prefix_cache_hit_rate")
      }
    }
  }
}
