import Testing

@testable import MoESim

/// Node forwarding (DeepEP's normal kernels) on a routing worked by hand: four experts, one per
/// device, two devices per node (node 0 = {0, 1}, node 1 = {2, 3}), one token per device, top-2:
/// t0 (d0) → {2, 3}, t1 (d1) → {0, 2}, t2 (d2) → {2, 0}, t3 (d3) → {3, 1}.
///
/// Forwarded: t0 sends one network copy to d2 (node 1, local index 0), which keeps it and
/// forwards one to d3 over the node's link; t1 sends d0 its copy in-node and one network copy
/// to d3 (local index 1), which forwards it to d2; t2 keeps its own and sends d0 one network copy;
/// t3 keeps its own and sends d1 one. Network sends [1, 1, 1, 1], received [1, 1, 1, 1]
/// (d2, d3, d0, d1); intra-node sends [0, 1, 1, 1] (t1 d1→d0, t0 d2→d3, t1 d3→d2), received
/// [1, 0, 1, 1]. Direct: t0 sends two network copies, so network sends [2, 1, 1, 1].
/// Delivered copies [2, 1, 3, 2]; (token, node) pairs [1, 2, 2, 2].
@Suite struct NodeForwardingTests {
  static let selected: [Int32] = [2, 3, 0, 2, 2, 0, 3, 1]
  static let placement = ExpertPlacement(experts: 4, devices: 4, slotExperts: [0, 1, 2, 3])

  static func measure(forwarding: Bool) -> DeviceTraffic {
    selected.withUnsafeBufferPointer { selected in
      DeviceTraffic.measure(
        selected: selected.baseAddress!, dropped: nil, tokens: 4, topK: 2,
        placement: placement, slotsOfExpert: placement.slotsOfExpert, devicesPerNode: 2,
        dedup: true, forwarding: forwarding)
    }
  }

  @Test func forwardedTrafficByHand() {
    let traffic = Self.measure(forwarding: true)
    #expect(traffic.sentInter == [1, 1, 1, 1])
    #expect(traffic.receivedInter == [1, 1, 1, 1])
    #expect(traffic.sentIntra == [0, 1, 1, 1])
    #expect(traffic.receivedIntra == [1, 0, 1, 1])
    #expect(traffic.keptLocal == [0, 0, 1, 1])
    #expect(traffic.deliveredCopies == [2, 1, 3, 2])
    #expect(traffic.nodeCopies == [1, 2, 2, 2])
    // Peers: d0 → d2; d1 → d0, d3; d2 → d3, d0; d3 → d2, d1.
    #expect(traffic.peersSent == [1, 2, 2, 2])
    #expect(traffic.peersReceived == [2, 1, 2, 2])
  }

  @Test func directTrafficByHand() {
    let traffic = Self.measure(forwarding: false)
    #expect(traffic.sentInter == [2, 1, 1, 1])
    #expect(traffic.receivedInter == [1, 1, 2, 1])
    #expect(traffic.sentIntra == [0, 1, 0, 0])
    // Delivered copies and node pairs do not depend on the path.
    #expect(traffic.deliveredCopies == [2, 1, 3, 2])
    #expect(traffic.nodeCopies == [1, 2, 2, 2])
  }

  /// A custom device (intra 100 GB/s, inter 10 GB/s, no latency), 1,000-byte dispatch copies
  /// and 2,000-byte combine copies. Forwarded, the links run at once: d1 dispatch = max(1 ·
  /// 1000 / 100e9, 1 · 1000 / 10e9) = 1e-7 s; d0 combine = max(1 · 2000 / 100e9, 1 · 2000 /
  /// 10e9) = 2e-7 s. Direct, in turn: d0 dispatch = 2 · 1000 / 10e9 = 2e-7 s, d1 dispatch =
  /// 1000 / 100e9 + 1000 / 10e9 = 1.1e-7 s. The RDMA logical bytes are pairs × payload.
  @Test func phasesByHand() {
    let device = DeviceSpec(
      name: "test", memoryGB: 80, hbmBandwidthGBps: 1000, fp32TFLOPs: 1, bf16TFLOPs: 1,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 0, devicesPerNode: 2)
    let model = { (forwarding: Bool) in
      CostModel(
        device: device, cost: ClusterCostSpec(), expertParameters: 1, hiddenSize: 1000,
        weightBytesPerParameter: 1, activationBytes: 1, dispatchBytesPerToken: 1000,
        combineBytesPerToken: 2000, nodeForwarding: forwarding, peakFLOPsPerSecond: 1e15,
        spansNodes: true)
    }
    let forwarded = model(true).layer(Self.measure(forwarding: true))
    #expect(abs(forwarded[1].dispatchSeconds - 1e-7) < 1e-20)
    #expect(abs(forwarded[0].combineSeconds - 2e-7) < 1e-20)
    #expect(forwarded.map(\.dispatchNodeBytes) == [1000, 2000, 2000, 2000])
    #expect(forwarded.map(\.combineNodeBytes) == [2000, 4000, 4000, 4000])
    #expect(forwarded.map(\.dispatchReceivedBytes) == [2000, 1000, 3000, 2000])
    #expect(forwarded.map(\.combineSentBytes) == [4000, 2000, 6000, 4000])
    // d0 sends one network copy (dispatch format) and, in combine, one (combine format) back.
    #expect(forwarded[0].allToAllInterBytes == 3000)
    let direct = model(false).layer(Self.measure(forwarding: false))
    #expect(abs(direct[0].dispatchSeconds - 2e-7) < 1e-20)
    #expect(abs(direct[1].dispatchSeconds - 1.1e-7) < 1e-20)
  }

  @Test func forwardingNeedsDeduplication() {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "cluster.layout={dp: 8, ep: 8}", "cluster.device=h100-sxm",
        "cluster.placement={dedup_dispatch: false, node_forwarding: true}",
      ])
    }
  }
}
