import Testing

@testable import MoESim

/// The non-expert part of the time model on a tiny model worked by hand.
///
/// Model: vocab 10, hidden 8, 2 layers (layer 0 dense, layer 1 MoE), 2 heads of dim 4 with 1 KV
/// head, SwiGLU FFN of width 16, 4 experts top-2 of width 8, RMSNorm, untied head; bf16 (2
/// bytes) weights, activations and KV cache; layout tp 2 × dp 2 (ep 4); context c = 7.
/// Parameters (ParameterBreakdown): attention h·(q + 2kv) + q·h = 8·(8 + 8) + 8·8 = 192; norms
/// 2·8 = 16; dense FFN 3·8·16 = 384; router 8·4 = 32; head 10·8 = 80.
/// FLOPs per token (ComputeCost): attention scores + values 2·2·(4 + 4)·c = 32·c per layer; MoE
/// block linear 2·192 + router 2·8·4 = 448; dense block 2·(192 + 384) = 1,152; head 2·80 = 160.
/// KV cache per token per layer per device: one KV head (kept whole on both tp ranks) 2·4 = 8
/// scalars = 16 bytes.
@Suite struct CostModelTests {
  static let model = [
    "model={vocab_size: 10, hidden_size: 8, layers: 2, attention: {heads: 2, kv_heads: 1},"
      + " ffn: {kind: \"swiglu\", intermediate_size: 16}, moe: {experts: 4, top_k: 2,"
      + " expert_intermediate_size: 8, first_dense_layers: 1}}",
    "cluster.layout={tp: 2, dp: 2, ep: 4}", "cluster.device=h100-sxm", "memory.context=7",
  ]

  static func costModel(mode: String) throws -> CostModel {
    try #require(
      CostModel(scenario: try TestSupport.quickstart(model + ["cluster.cost.mode=\(mode)"])))
  }

  static func expectClose(_ value: Double, _ expected: Double, _ what: String) {
    #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(what): \(value)")
  }

  /// Prefill: causal average context (c + 1)/2 = 4 → attention 32·4 = 128 per layer.
  /// MoE layer per device (the 4 devices of the stage share the tokens): FLOPs (448 + 128) / 4
  /// = 144 per step token; weights 2·(192/2 + 16 + 32) = 288 bytes; activations 2·8·2 / 4 = 8
  /// bytes per step token; KV written 16 / dp 2 = 8 bytes per step token.
  /// Once per step: dense block FLOPs (1,152 + 128)/4 = 320, weights 2·((192 + 384)/2 + 16)
  /// = 608, activations 8, KV 8; head at the last position of each 7-token prompt: FLOPs
  /// 160/7/4 = 40/7, weights 2·80/2 = 80 plus the replicated final norm 2·8 = 16, activations (8·2 + 4·10/2)/2/7 = 18/7.
  @Test func prefill() throws {
    let cost = try Self.costModel(mode: "prefill")
    let layer = cost.layerWork
    Self.expectClose(layer.flopsPerStepToken, 144, "layer FLOPs")
    Self.expectClose(layer.weightBytes, 288, "layer weights")
    Self.expectClose(layer.activationBytesPerStepToken, 8, "layer activations")
    Self.expectClose(layer.kvCacheBytesPerStepToken, 8, "layer KV")
    let step = cost.stepWork
    Self.expectClose(step.flopsPerStepToken, 320 + 40.0 / 7, "step FLOPs")
    Self.expectClose(step.weightBytes, 608 + 80 + 16, "step weights")
    Self.expectClose(step.activationBytesPerStepToken, 8 + 18.0 / 7, "step activations")
    Self.expectClose(step.kvCacheBytesPerStepToken, 8, "step KV")
  }

  /// Decode: each new token attends to all c = 7 cached positions (attention 32·7 = 224) and
  /// reads their keys and values: MoE layer FLOPs (448 + 224)/4 = 168, KV 7·16/2 = 56 bytes
  /// per step token; the head runs for every token: FLOPs 160/4 = 40, activations 18.
  @Test func decode() throws {
    let cost = try Self.costModel(mode: "decode")
    Self.expectClose(cost.layerWork.flopsPerStepToken, 168, "layer FLOPs")
    Self.expectClose(cost.layerWork.kvCacheBytesPerStepToken, 56, "layer KV")
    Self.expectClose(cost.layerWork.weightBytes, 288, "layer weights")
    // Dense block (1,152 + 224)/4 = 344, head 40; KV 56 for the dense block.
    Self.expectClose(cost.stepWork.flopsPerStepToken, 344 + 40, "step FLOPs")
    Self.expectClose(cost.stepWork.kvCacheBytesPerStepToken, 56, "step KV")
    Self.expectClose(cost.stepWork.activationBytesPerStepToken, 8 + 18, "step activations")
  }

  /// Training: 3 passes of the prefill figures, no KV cache, the head at every position.
  @Test func training() throws {
    let cost = try Self.costModel(mode: "training")
    Self.expectClose(cost.layerWork.flopsPerStepToken, 3 * 144, "layer FLOPs")
    Self.expectClose(cost.layerWork.weightBytes, 3 * 288, "layer weights")
    Self.expectClose(cost.layerWork.activationBytesPerStepToken, 3 * 8, "layer activations")
    Self.expectClose(cost.layerWork.kvCacheBytesPerStepToken, 0, "layer KV")
    Self.expectClose(cost.stepWork.flopsPerStepToken, 3 * (320 + 40), "step FLOPs")
    Self.expectClose(cost.stepWork.weightBytes, 3 * 704, "step weights")
  }

  /// Without tensor or data parallelism one device holds every weight and does every token:
  /// MoE layer weights 2·(192 + 16 + 32) = 480 bytes, FLOPs 448 + 128 = 576 per token, KV 16.
  @Test func oneDeviceHoldsEverything() throws {
    let scenario = try TestSupport.quickstart(
      Self.model + ["cluster.layout={tp: 1, dp: 1, ep: 1}", "cluster.cost.mode=prefill"])
    let cost = try #require(CostModel(scenario: scenario))
    Self.expectClose(cost.layerWork.weightBytes, 480, "weights")
    Self.expectClose(cost.layerWork.flopsPerStepToken, 576, "FLOPs")
    Self.expectClose(cost.layerWork.kvCacheBytesPerStepToken, 16, "KV")
  }

  /// The layer cost of a traffic adds `layerWork` for the step's tokens on every device: 4
  /// tokens at 144 FLOPs = 576 FLOPs; bytes 288 + 4·(8 + 8) = 352.
  @Test func layerAddsTheNonExpertPart() throws {
    let cost = try Self.costModel(mode: "prefill")
    let costs = cost.layer(DeviceTrafficTests.measure(perNode: 1, dedup: true))
    for device in costs {
      Self.expectClose(device.denseFLOPs, 576, "dense FLOPs")
      Self.expectClose(device.denseBytes, 352, "dense bytes")
      Self.expectClose(device.kvCacheBytes, 32, "KV bytes")
    }
  }
}

/// Training's data-parallel gradient all-reduce and the copy of re-planned weights, by hand.
@Suite struct GradientAndReplanCostTests {
  /// Ring all-reduce over dp = 2: 2(2 − 1)/2 = 1 × each device's gradient shard, in the
  /// weights' 2 bytes (CostModelTests' model): MoE layer 2·(192/2 + 16 + 32) = 288 bytes; once
  /// per step the dense block 2·((192 + 384)/2 + 16) = 608 and the head 2·80/2 = 80. tp × dp = 4
  /// devices fit in one 8-device H100 node: the ring runs over NVLink at 450 GB/s.
  @Test func dataParallelGradientAllReduce() throws {
    let training = try CostModelTests.costModel(mode: "training")
    CostModelTests.expectClose(training.layerWork.gradientBytes, 288, "layer gradients")
    CostModelTests.expectClose(training.stepWork.gradientBytes, 608 + 80 + 16, "step gradients")
    let part = training.stepParts(tokens: 4)[0]
    // Plus the dense block's tensor-parallel collectives (RingCollectiveTests): 8 in training,
    // each 16 bytes in one 2 µs step.
    CostModelTests.expectClose(
      part.communicationSeconds, 704 / 450e9 + 8 * (16 / 450e9 + 2e-6), "step all-reduce time")
    // The test traffic's placement has no replicas: all gradient bytes are data-parallel.
    let costs = training.layer(DeviceTrafficTests.measure(perNode: 1, dedup: true))
    #expect(costs.allSatisfy { $0.gradientBytes == 288 })
    // Inference all-reduces nothing.
    let prefill = try CostModelTests.costModel(mode: "prefill")
    #expect(prefill.layerWork.gradientBytes == 0 && prefill.stepWork.gradientBytes == 0)
  }

  /// DeviceTrafficTests' example with device 0's first slot re-planned: 10^6 parameters × 2
  /// bytes over the 10 GB/s inter-node link (the group spans nodes) = 2e-4 s added to device
  /// 0's busy time, none to device 1's; nothing with `charge_replan_copy: false`.
  @Test(arguments: [true, false])
  func replanCopyIsCharged(charged: Bool) {
    let device = DeviceSpec(
      name: "round", memoryGB: 1, hbmBandwidthGBps: 1000, fp32TFLOPs: nil, bf16TFLOPs: 100,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 1, devicesPerNode: 1)
    let model = CostModel(
      device: device, cost: ClusterCostSpec(mode: .prefill, chargeReplanCopy: charged),
      expertParameters: 1e6, hiddenSize: 1000, weightBytesPerParameter: 2, activationBytes: 2,
      peakFLOPsPerSecond: 1e14, spansNodes: true)
    let plain = DeviceTrafficTests.measure(perNode: 1, dedup: true)
    var replanned = plain
    replanned.slotsReplaced = [1, 0]
    let before = model.layer(plain)
    let after = model.layer(replanned)
    let expected = charged ? 2e-4 : 0
    #expect(after[0].replanSeconds == expected)
    CostModelTests.expectClose(after[0].busySeconds - before[0].busySeconds, expected, "d0")
    #expect(after[1].busySeconds == before[1].busySeconds)
  }
}
