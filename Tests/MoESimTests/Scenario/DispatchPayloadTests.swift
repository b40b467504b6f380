import Testing

@testable import MoESim

/// Dispatch and combine payloads (`precision.dispatch`, `precision.combine`).
@Suite struct DispatchPayloadTests {
  /// DeepEP's FP8 dispatch of a 7168-wide token: 7168 bytes + 56 FP32 scales = 7,392 bytes,
  /// BF16 × (1 + 4/128) / 2 as DeepEP's benchmark counts it; the BF16 combine 14,336 bytes.
  @Test func deepEPPayloadsByHand() throws {
    let scenario = try TestSupport.quickstart([
      "precision.dispatch=\"fp8\"", "precision.combine=\"bf16\"",
    ])
    let deepEP: Double = 7168 * 2 * (1 + 4.0 / 128) / 2
    #expect(scenario.precision.dispatchBytesPerToken(hiddenSize: 7168) == 7392)
    #expect(scenario.precision.dispatchBytesPerToken(hiddenSize: 7168) == deepEP)
    #expect(scenario.precision.combineBytesPerToken(hiddenSize: 7168) == 14336)
  }

  /// Without the keys both follow `precision.activations` (fp8 activations: 7,392 and 7,168).
  @Test func defaultsFollowActivations() throws {
    let scenario = try TestSupport.quickstart(["precision.activations=\"fp8\""])
    #expect(scenario.precision.dispatch == .fp8)
    #expect(scenario.precision.combine == .fp8)
    #expect(scenario.precision.combineBytesPerToken(hiddenSize: 7168) == 7168)
    let bf16 = try TestSupport.quickstart([])
    #expect(bf16.precision.dispatchBytesPerToken(hiddenSize: 7168) == 14336)
  }

  @Test func int4IsRefused() {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["precision.dispatch=\"int4\""])
    }
  }

  /// The time model sends FP8 copies in dispatch and BF16 ones in combine: on the two-device
  /// routing of `DeviceTrafficTests` (one node), d0 sends 2 copies and sends back 1, so its
  /// all-to-all bytes are 2 · 7392 + 1 · 14336 at hidden 7168.
  @Test func costModelUsesBothPayloads() throws {
    let device = try #require(DeviceCatalog.device(named: "h800"))
    let model = CostModel(
      device: device, cost: ClusterCostSpec(), expertParameters: 1, hiddenSize: 7168,
      weightBytesPerParameter: 1, activationBytes: 1, dispatchBytesPerToken: 7392,
      combineBytesPerToken: 14336, peakFLOPsPerSecond: 1e15, spansNodes: false)
    let costs = model.layer(DeviceTrafficTests.measure(perNode: 2, dedup: true))
    #expect(costs[0].allToAllIntraBytes == 2 * 7392 + 14336)
  }
}
