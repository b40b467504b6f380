import Testing

@testable import MoESim

/// Four experts on two devices with a known routing, worked by hand.
///
/// Tokens 0, 1 start on device 0 and tokens 2, 3 on device 1 (contiguous blocks); contiguous
/// placement puts experts {0, 1} on device 0 and {2, 3} on device 1. Routing (top-2):
/// t0 → {2, 3}, t1 → {0, 2}, t2 → {2, 3}, t3 → {1, 3}.
/// Assignments: d0 = t1·e0 + t3·e1 = 2; d1 = 2 (t0) + 1 (t1) + 2 (t2) + 1 (t3) = 6.
/// Deduplicated dispatch: t0 d0→d1 once, t1 d0→d1, t2 local, t3 d1→d0: sent [2, 1],
/// received [1, 2]. Without dedup t0 sends two copies: sent [3, 1], received [1, 3].
@Suite struct DeviceTrafficTests {
  static let selected: [Int32] = [2, 3, 0, 2, 2, 3, 1, 3]
  static let placement = ExpertPlacement(experts: 4, devices: 2, slotExperts: [0, 1, 2, 3])

  static func measure(dropped: [UInt8]? = nil, perNode: Int, dedup: Bool) -> DeviceTraffic {
    selected.withUnsafeBufferPointer { selected in
      let run = { (flags: UnsafePointer<UInt8>?) in
        DeviceTraffic.measure(
          selected: selected.baseAddress!, dropped: flags, tokens: 4, topK: 2,
          placement: placement, slotsOfExpert: placement.slotsOfExpert, devicesPerNode: perNode,
          dedup: dedup)
      }
      guard let dropped else { return run(nil) }
      return dropped.withUnsafeBufferPointer { run($0.baseAddress) }
    }
  }

  @Test func handComputedTraffic() {
    let inter = Self.measure(perNode: 1, dedup: true)
    #expect(inter.assignments == [2, 6])
    #expect(inter.sourceTokens == [2, 2])
    #expect(inter.slotsTouched == [2, 2])
    #expect(inter.sentInter == [2, 1])
    #expect(inter.receivedInter == [1, 2])
    #expect(inter.sentIntra == [0, 0])
    #expect(inter.peersSent == [1, 1])
    #expect(inter.peersReceived == [1, 1])
    let intra = Self.measure(perNode: 2, dedup: true)
    #expect(intra.sentIntra == [2, 1])
    #expect(intra.sentInter == [0, 0])
    let plain = Self.measure(perNode: 1, dedup: false)
    #expect(plain.sentInter == [3, 1])
    #expect(plain.receivedInter == [1, 3])
  }

  /// Dropping t0's two assignments removes its dispatch and its work: d1 computes 4.
  @Test func droppedAssignmentsMoveNothing() {
    let traffic = Self.measure(dropped: [1, 1, 0, 0, 0, 0, 0, 0], perNode: 1, dedup: true)
    #expect(traffic.assignments == [2, 4])
    #expect(traffic.sentInter == [1, 1])
  }

  /// Straggler ratio of the example: (max 6) / (mean 4) = 1.5; a routing where every expert
  /// gets two tokens (t → {t mod 4, (t+1) mod 4}) gives exactly 1.
  @Test func stragglerRatio() throws {
    let skewed = try #require(
      ClusterStep(
        step: 0, layers: [Self.metrics(Self.measure(perNode: 1, dedup: true))], model: nil))
    #expect(skewed.stragglerRatio == 1.5)
    let balanced: [Int32] = [0, 1, 1, 2, 2, 3, 3, 0]
    let traffic = balanced.withUnsafeBufferPointer {
      DeviceTraffic.measure(
        selected: $0.baseAddress!, dropped: nil, tokens: 4, topK: 2, placement: Self.placement,
        slotsOfExpert: Self.placement.slotsOfExpert, devicesPerNode: 8, dedup: true)
    }
    let step = try #require(ClusterStep(step: 0, layers: [Self.metrics(traffic)], model: nil))
    #expect(step.stragglerRatio == 1)
    #expect(step.stepSeconds == nil)
  }

  /// The time model on device 1 of the example (inter-node, dedup), with round figures:
  /// 100 TFLOP/s, 1,000 GB/s HBM, 10 GB/s inter-node, 1 µs latency; experts of 10^6
  /// parameters, no other parameters, hidden 1,000, 2-byte weights and activations.
  /// Expert FLOPs 2·10^6·6 = 1.2e7 → 1.2e-7 s; bytes 2 slots·2e6 + 2·6·2,000 = 4.024e6 →
  /// 4.024e-6 s (memory-bound); dense part: no weights, activations 2·h·x = 4,000 bytes per
  /// token shared by the 2 devices (2,000 per step token), 4 tokens: 8,000 bytes → 8e-9 s; compute
  /// 4.032e-6 s. Comm: (1 sent + 2 received)·2,000 = 6,000 bytes → 6e-7 s, plus 2 messages ·
  /// 1 µs: 2.6e-6 s. Busy = 6.632e-6 s; with overlap 0.5, 6.632e-6 − 0.5·2.6e-6 = 5.332e-6 s.
  @Test(arguments: [(0.0, 6.632e-6), (0.5, 5.332e-6)])
  func handComputedTime(overlap: Double, busy: Double) {
    let device = DeviceSpec(
      name: "round", memoryGB: 1, hbmBandwidthGBps: 1000, fp32TFLOPs: nil, bf16TFLOPs: 100,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 1, devicesPerNode: 1)
    let model = CostModel(
      device: device, cost: ClusterCostSpec(mode: .prefill, overlap: overlap),
      expertParameters: 1e6, layerWork: NonExpertWork(activationBytesPerStepToken: 2000),
      hiddenSize: 1000,
      weightBytesPerParameter: 2, activationBytes: 2, peakFLOPsPerSecond: 1e14,
      spansNodes: true)
    let cost = model.layer(Self.measure(perNode: 1, dedup: true))[1]
    #expect(cost.expertFLOPs == 1.2e7)
    #expect(cost.allToAllInterBytes == 6000)
    #expect(cost.messages == 2)
    #expect(abs(cost.computeSeconds - 4.032e-6) < 1e-18)
    #expect(abs(cost.communicationSeconds - 2.6e-6) < 1e-18)
    #expect(abs(cost.busySeconds - busy) < 1e-18)
  }

  static func metrics(_ traffic: DeviceTraffic) -> LayerStepMetrics {
    LayerStepMetrics(
      step: 0, layer: 0, tokens: 4, capacity: nil, assignmentsKept: 8, assignmentsDropped: 0,
      load: LoadStatistics([Int32]([1, 1])), entropy: 0, auxLoss: 0, zLoss: 0,
      droppedGateFraction: 0, tokensWithoutExpert: 0, devices: traffic)
  }
}

/// Training mode on a replicated placement, by hand.
@Suite struct TrainingCostTests {
  /// Expert 0 in 3 slots of 6 on 2 devices: slots [0, 1, 2 | 0, 3, 0]. Each replica of expert
  /// 0 all-reduces 2(r−1)/r = 4/3 weight copies: device 0 holds one (4/3), device 1 two (8/3).
  /// With 10^6-parameter experts at 2 bytes: 2.666…e6 and 5.333…e6 gradient bytes; device 1
  /// over 10 GB/s (the group spans nodes): 5.333e-4 s of its communication.
  @Test func replicaGradientsAreAllReduced() {
    let placement = ExpertPlacement(experts: 4, devices: 2, slotExperts: [0, 1, 2, 0, 3, 0])
    let selected: [Int32] = [0, 1]  // one token (on device 0), top-2: expert 0 (replica 0), 1
    let traffic = selected.withUnsafeBufferPointer {
      DeviceTraffic.measure(
        selected: $0.baseAddress!, dropped: nil, tokens: 1, topK: 2, placement: placement,
        slotsOfExpert: placement.slotsOfExpert, devicesPerNode: 1, dedup: true)
    }
    #expect(abs(traffic.replicaGradientCopies[0] - 4.0 / 3) < 1e-12)
    #expect(abs(traffic.replicaGradientCopies[1] - 8.0 / 3) < 1e-12)
    #expect(traffic.assignments == [2, 0])
    let device = DeviceSpec(
      name: "round", memoryGB: 1, hbmBandwidthGBps: 1000, fp32TFLOPs: nil, bf16TFLOPs: 100,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 0, devicesPerNode: 1)
    let model = CostModel(
      device: device, cost: ClusterCostSpec(mode: .training), expertParameters: 1e6,
      hiddenSize: 1000, weightBytesPerParameter: 2, activationBytes: 2,
      peakFLOPsPerSecond: 1e14, spansNodes: true)
    let costs = model.layer(traffic)
    // Forward + backward: 3 × 2 × 10^6 × 2 assignments.
    #expect(costs[0].expertFLOPs == 1.2e7)
    #expect(abs(costs[1].gradientBytes - 8.0 / 3 * 2e6) < 1e-6)
    #expect(abs(costs[1].communicationSeconds - 8.0 / 3 * 2e6 / 1e10) < 1e-15)
    // The prefill model of the same traffic has no gradient traffic.
    let prefill = CostModel(
      device: device, cost: ClusterCostSpec(mode: .prefill), expertParameters: 1e6,
      hiddenSize: 1000, weightBytesPerParameter: 2, activationBytes: 2,
      peakFLOPsPerSecond: 1e14, spansNodes: true)
    #expect(prefill.layer(traffic)[1].gradientBytes == 0)
    #expect(prefill.layer(traffic)[0].expertFLOPs == 4e6)
  }
}
