import Testing

@testable import MoESim

/// Decode with multi-token prediction: the step's tokens are sequences × (1 + d).
@Suite struct MTPDecodeTests {
  static let decode = [
    "model.mtp_modules=1", "cluster.device=h100-sxm", "cluster.layout={tp: 2}",
    "cluster.cost.mode=decode", "memory.context=1024", "workload.tokens_per_step=64",
    "workload.sequence_length=8", "router.capacity_factor=null",
  ]

  /// One draft per sequence: 32 sequences each put 2 tokens through the model, so a token of the
  /// step reads half a sequence's cache; the drafts add, per draft, one mean MoE layer and the
  /// head at one position per sequence.
  @Test func draftsShareTheCacheAndAddTheirForwards() throws {
    let plain = try #require(CostModel(scenario: TestSupport.quickstart(Self.decode)))
    let mtp = try #require(
      CostModel(
        scenario: TestSupport.quickstart(
          Self.decode + ["cluster.cost.mtp_draft_tokens=1", "cluster.cost.mtp_accepted_tokens=0.8"])
      ))
    let kv = plain.layerWork.kvCacheBytesPerStepToken
    #expect(kv > 0 && abs(mtp.layerWork.kvCacheBytesPerStepToken - kv / 2) <= 1e-12 * kv)
    #expect(plain.mtpDraftSeconds(tokens: 64, meanMoELayerSeconds: 1e-3) == 0)
    let head = mtp.headWork.seconds(
      tokens: 32, flopsPerSecond: mtp.flopsPerSecond, bytesPerSecond: mtp.hbmBytesPerSecond)
    #expect(head > 0)
    let drafts = mtp.mtpDraftSeconds(tokens: 64, meanMoELayerSeconds: 1e-3)
    #expect(abs(drafts - (1e-3 + head)) <= 1e-12 * drafts)
  }

  /// End to end: `output_tokens_per_s = tokens_per_s × (1 + 0.8) / 2`, and the 32 sequences'
  /// caches are half the 64 of the same step without drafts.
  @Test func outputTokensCountTheAcceptedDrafts() throws {
    let placed = Self.decode + ["cluster.placement={}"]
    let mtp = ["cluster.cost.mtp_draft_tokens=1", "cluster.cost.mtp_accepted_tokens=0.8"]
    let row = try DenseRunTimingTests.summary(TestSupport.quickstart(placed + mtp))
    let tokens = try #require(Double(row["tokens_per_s"] ?? ""))
    let output = try #require(Double(row["output_tokens_per_s"] ?? ""))
    #expect(abs(output - tokens * 1.8 / 2) <= 1e-12 * output)
    let without = try DenseRunTimingTests.summary(TestSupport.quickstart(placed))
    #expect(without["output_tokens_per_s"] == without["tokens_per_s"])
    let footprint = try #require(StepFootprint(scenario: TestSupport.quickstart(placed + mtp)))
    let whole = try #require(StepFootprint(scenario: TestSupport.quickstart(placed)))
    #expect(footprint.stages[0].kvCacheBytes * 2 == whole.stages[0].kvCacheBytes)
  }

  /// Two MoE layers of `TwoBatchOverlapTests`' one-batch traffic (1.24e-5 s each) and one draft
  /// per sequence with no head: the step adds one mean layer, 3 · 1.24e-5 s, on every device.
  @Test func aStepRunsItsDraftsAfterThePass() throws {
    let base = TwoBatchOverlapTests.model(twoBatch: false)
    let cost = ClusterCostSpec(mode: .decode, expertPaddingRows: 1, mtpDraftTokens: 1)
    let model = CostModel(
      device: base.device, cost: cost, expertParameters: 1e6, hiddenSize: 1,
      weightBytesPerParameter: 1, activationBytes: 1, dispatchBytesPerToken: 1000,
      combineBytesPerToken: 1000, peakFLOPsPerSecond: 1e12, spansNodes: true)
    let metrics = DeviceTrafficTests.metrics(TwoBatchOverlapTests.traffic)
    let step = try #require(ClusterStep(step: 0, layers: [metrics, metrics], model: model))
    #expect(TwoBatchOverlapTests.close(try #require(step.stepSeconds), 3 * 1.24e-5))
    #expect(TwoBatchOverlapTests.close(step.devices[0].busySeconds, 3 * 1.24e-5))
  }

  @Test func draftsNeedDecodeAndAnMTPModule() {
    for (overrides, key) in [
      (
        ["model.mtp_modules=1", "cluster.cost.mtp_draft_tokens=1"], "cluster.cost.mtp_draft_tokens"
      ),
      (
        ["cluster.cost.mode=decode", "cluster.cost.mtp_draft_tokens=1"],
        "cluster.cost.mtp_draft_tokens"
      ),
      (
        [
          "model.moe=null", "model.ffn.intermediate_size=2816", "model.mtp_modules=1",
          "cluster.cost.mode=decode", "cluster.cost.mtp_draft_tokens=1",
        ], "cluster.cost.mtp_draft_tokens"
      ),
      (
        [
          "model.mtp_modules=1", "cluster.cost.mode=decode", "cluster.cost.mtp_draft_tokens=1",
          "cluster.cost.mtp_accepted_tokens=1.5",
        ], "cluster.cost.mtp_accepted_tokens"
      ),
    ] {
      #expect {
        try TestSupport.quickstart(overrides)
      } throws: { error in
        "\(error)".contains(key)
      }
    }
  }
}
