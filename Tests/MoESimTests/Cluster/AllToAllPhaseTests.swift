import Testing

@testable import MoESim

/// The dispatch and combine terms of the time model on `DeviceTrafficTests`' hand-worked
/// routing (four experts top-2 on two devices of one node, deduplicated dispatch): sent intra
/// [2, 1], received [1, 2], kept local [1, 2] (t1 → e0 and t3 → e3 stay home, t2's two experts
/// are both on device 1: one copy), one peer each way.
@Suite struct AllToAllPhaseTests {
  /// hidden 8 × bf16 = 16 bytes per copy; NVLink 450 GB/s per direction (h100-sxm); 2 µs per
  /// message: dispatch_d = sent_d · 16 / 450e9 + 2e-6, combine_d = received_d · 16 / 450e9 +
  /// 2e-6; received logical bytes (own copies included) = (received + kept) · 16.
  @Test func phasesSplitTheAllToAllByHand() throws {
    let traffic = DeviceTrafficTests.measure(perNode: 2, dedup: true)
    #expect(traffic.keptLocal == [1, 2])
    let device = try #require(DeviceCatalog.device(named: "h100-sxm"))
    let model = CostModel(
      device: device, cost: ClusterCostSpec(), expertParameters: 100, hiddenSize: 8,
      weightBytesPerParameter: 2, activationBytes: 2, peakFLOPsPerSecond: 1e15,
      spansNodes: false)
    let costs = model.layer(traffic)
    let copy = 16 / 450e9
    for (d, sent, received) in [(0, 2.0, 1.0), (1, 1.0, 2.0)] {
      #expect(abs(costs[d].dispatchSeconds - (sent * copy + 2e-6)) < 1e-18)
      #expect(abs(costs[d].combineSeconds - (received * copy + 2e-6)) < 1e-18)
      // Nothing else is communicated in a one-layer inference step without tp.
      #expect(
        abs(costs[d].communicationSeconds - costs[d].dispatchSeconds - costs[d].combineSeconds)
          < 1e-18)
    }
    // Device 0: 1 received + 1 kept; device 1: 2 received + 2 kept; 16 bytes each.
    let logical: [Double] = [32, 64]
    #expect(costs.map(\.dispatchReceivedBytes) == logical)
  }

  /// Without dedup t2 keeps both copies: kept local [1, 3].
  @Test func withoutDedupEveryLocalCopyCounts() {
    #expect(DeviceTrafficTests.measure(perNode: 2, dedup: false).keptLocal == [1, 3])
  }
}
