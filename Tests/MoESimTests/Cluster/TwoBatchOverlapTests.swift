import Testing

@testable import MoESim

/// Two-batch overlap on one device, by hand: 4 assignments on 1 touched slot of 10⁶
/// parameters, 1 padding row, 10¹² FLOP/s; 2 copies out and 2 back over a 10 GB/s network link
/// at 1,000 bytes each, 1 µs per message, one peer each way; HBM too fast to matter.
///
/// One batch: compute 2·10⁶·(4 + 1)/10¹² = 1e-5 s; dispatch = combine = 2·1000/10¹⁰ + 1e-6 =
/// 1.2e-6 s; busy = 1e-5 + 2.4e-6 = 1.24e-5 s. Two batches: the padding and the latency are
/// paid per batch, compute 2·10⁶·(4 + 2)/10¹² = 1.2e-5 s, dispatch = combine = 2.2e-6 s;
/// busy = max(1.2e-5, 4.4e-6) = 1.2e-5 s, and the step adds the pipeline's fill once, half the
/// shorter: 2.2e-6 s.
@Suite struct TwoBatchOverlapTests {
  static func model(twoBatch: Bool) -> CostModel {
    let device = DeviceSpec(
      name: "test", memoryGB: 80, hbmBandwidthGBps: 1e9, fp32TFLOPs: 1, bf16TFLOPs: 1,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 1, devicesPerNode: 1)
    return CostModel(
      device: device, cost: ClusterCostSpec(expertPaddingRows: 1, twoBatchOverlap: twoBatch),
      expertParameters: 1e6, hiddenSize: 1, weightBytesPerParameter: 1, activationBytes: 1,
      dispatchBytesPerToken: 1000, combineBytesPerToken: 1000, peakFLOPsPerSecond: 1e12,
      spansNodes: true)
  }

  static var traffic: DeviceTraffic {
    var traffic = DeviceTraffic(devices: 1)
    traffic.assignments = [4]
    traffic.slotsTouched = [1]
    traffic.sourceTokens = [4]
    traffic.sentInter = [2]
    traffic.receivedInter = [2]
    traffic.peersSent = [1]
    traffic.peersReceived = [1]
    return traffic
  }

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * b }

  @Test func oneBatch() throws {
    let cost = try #require(Self.model(twoBatch: false).layer(Self.traffic).first)
    #expect(Self.close(cost.computeSeconds, 1e-5))
    #expect(Self.close(cost.dispatchSeconds, 1.2e-6))
    #expect(Self.close(cost.busySeconds, 1.24e-5))
    #expect(cost.pipelineFillSeconds == 0)
  }

  @Test func twoBatchesByHand() throws {
    let model = Self.model(twoBatch: true)
    let cost = try #require(model.layer(Self.traffic).first)
    #expect(Self.close(cost.computeSeconds, 1.2e-5))
    #expect(Self.close(cost.dispatchSeconds, 2.2e-6))
    #expect(Self.close(cost.combineSeconds, 2.2e-6))
    #expect(Self.close(cost.busySeconds, 1.2e-5))
    #expect(Self.close(cost.pipelineFillSeconds, 2.2e-6))
    // Two MoE layers: 2 · 1.2e-5 + one fill of 2.2e-6.
    let metrics = DeviceTrafficTests.metrics(Self.traffic)
    let step = try #require(ClusterStep(step: 0, layers: [metrics, metrics], model: model))
    #expect(Self.close(try #require(step.stepSeconds), 2 * 1.2e-5 + 2.2e-6))
  }

  /// The all-to-all holding a quarter of the units: compute runs at 3/4 while the 4.4e-6 s of
  /// communication run, then at full rate: 1.2e-5 + 0.25 · 4.4e-6 = 1.31e-5 s. With the
  /// communication at least compute / (1 − f), the layer is the communication.
  @Test func communicationHoldsComputeUnits() throws {
    var spec = ClusterCostSpec(expertPaddingRows: 1, twoBatchOverlap: true)
    spec.communicationSMFraction = 0.25
    let base = Self.model(twoBatch: true)
    let model = CostModel(
      device: base.device, cost: spec, expertParameters: 1e6, hiddenSize: 1,
      weightBytesPerParameter: 1, activationBytes: 1, dispatchBytesPerToken: 1000,
      combineBytesPerToken: 1000, peakFLOPsPerSecond: 1e12, spansNodes: true)
    let cost = try #require(model.layer(Self.traffic).first)
    #expect(Self.close(cost.busySeconds, 1.2e-5 + 0.25 * 4.4e-6))
    // 100 copies each way: dispatch = combine = 100 · 1000 / 10¹⁰ + 2 · 1e-6 = 1.2e-5 s, comm'
    // 2.4e-5 s; compute' + f · comm' = 1.2e-5 + 6e-6 = 1.8e-5 s: the communication sets the layer.
    var slowLink = Self.traffic
    slowLink.sentInter = [100]
    slowLink.receivedInter = [100]
    let slow = try #require(model.layer(slowLink).first)
    #expect(Self.close(slow.busySeconds, 2.4e-5))
    // Holding 0.9 of the units: 1.2e-5 + 0.9 · 2.4e-5 = 3.36e-5 s, longer than the 2.4e-5 s.
    spec.communicationSMFraction = 0.9
    let starved = CostModel(
      device: base.device, cost: spec, expertParameters: 1e6, hiddenSize: 1,
      weightBytesPerParameter: 1, activationBytes: 1, dispatchBytesPerToken: 1000,
      combineBytesPerToken: 1000, peakFLOPsPerSecond: 1e12, spansNodes: true)
    let heavy = try #require(starved.layer(slowLink).first)
    #expect(Self.close(heavy.busySeconds, 3.36e-5))
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["cluster.cost.communication_sm_fraction=0.15"])
    }
  }

  @Test func refusedWithAnOverlapFactor() {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "cluster.cost.overlap=0.5", "cluster.cost.two_batch_overlap=true",
      ])
    }
  }
}
