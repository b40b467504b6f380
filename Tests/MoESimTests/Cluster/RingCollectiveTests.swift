import Testing

@testable import MoESim

/// Tensor-parallel collectives on a ring, worked by hand.
@Suite struct RingCollectiveTests {
  static func close(_ value: Double, _ expected: Double) -> Bool {
    abs(value - expected) <= 1e-12 * max(abs(expected), 1e-30)
  }

  /// 8 ranks on NVLink (450 GB/s per direction, 2 µs a step), a 1 MB payload: an all-reduce
  /// sends 2 · 7/8 · 1e6 = 1.75e6 bytes per rank in 14 steps: 1.75e6 / 450e9 + 14 · 2e-6 s; a
  /// reduce-scatter half the bytes in 7 steps; an all-reduce is exactly the two halves.
  @Test func ringFormulas() {
    let ring = RingCollective(ranks: 8, bytesPerSecond: 450e9, stepLatencySeconds: 2e-6)
    #expect(ring.allReduceBytesSent(payload: 1e6) == 1.75e6)
    #expect(Self.close(ring.allReduceSeconds(payload: 1e6), 1.75e6 / 450e9 + 28e-6))
    #expect(ring.reduceScatterBytesSent(payload: 1e6) == 0.875e6)
    #expect(Self.close(ring.reduceScatterSeconds(payload: 1e6), 0.875e6 / 450e9 + 14e-6))
    #expect(
      Self.close(ring.allReduceSeconds(payload: 1e6), 2 * ring.reduceScatterSeconds(payload: 1e6)))
    // One rank talks to nobody.
    let alone = RingCollective(ranks: 1, bytesPerSecond: 450e9, stepLatencySeconds: 2e-6)
    #expect(
      alone.allReduceSeconds(payload: 1e6) == 0 && alone.reduceScatterSeconds(payload: 1e6) == 0)
  }

  /// CostModelTests' tiny model (hidden 8, bf16, tp 2 × dp 2, H100 NVLink): a decode step of 4
  /// tokens gives each replica 2 tokens, a payload of 2 · 8 · 2 = 32 bytes; each of the 4
  /// sequence-parallel collectives of a block sends 1/2 · 32 = 16 bytes in one step: 64 bytes
  /// and 4 · (16 / 450e9 + 2e-6) s per block, in the MoE layer and in the one dense block alike.
  @Test func sequenceParallelCollectivesPerBlock() throws {
    let decode = try CostModelTests.costModel(mode: "decode")
    let perBlock = 4 * (16 / 450e9 + 2e-6)
    let part = decode.stepParts(tokens: 4)[0]
    #expect(part.tensorParallelBytes == 64)
    let dense = decode.stepWork.seconds(
      tokens: 4, flopsPerSecond: decode.flopsPerSecond, bytesPerSecond: decode.hbmBytesPerSecond)
    #expect(Self.close(part.communicationSeconds, perBlock))
    #expect(Self.close(part.busySeconds, dense + perBlock))  // overlap 0
    // Training mirrors them in the backward pass.
    let training = try CostModelTests.costModel(mode: "training")
    #expect(training.tensorParallelCost(tokens: 4, blocks: 1).bytesSent == 128)
  }

  /// The MoE layer adds the same per-block cost to every device's communication.
  @Test func moeLayerPaysItsBlocksCollectives() throws {
    let decode = try CostModelTests.costModel(mode: "decode")
    var traffic = DeviceTraffic(devices: 4)
    traffic.sourceTokens = [1, 1, 1, 1]
    let costs = decode.layer(traffic)
    for cost in costs {
      #expect(cost.tensorParallelBytes == 64)
      #expect(Self.close(cost.communicationSeconds, 4 * (16 / 450e9 + 2e-6)))
    }
  }

  /// tp 16 over 8-device nodes crosses the NICs (50 GB/s); attention data parallelism with
  /// expert parallelism (tp 1, dp = ep = 8, as SGLang and DeepSeek deploy it) has no
  /// tensor-parallel collective, and each device runs the attention of its T / 8 tokens.
  @Test func linksAndAttentionDataParallelism() throws {
    let wide = try #require(
      CostModel(
        scenario: try TestSupport.quickstart([
          "cluster.layout={tp: 16, ep: 8}", "cluster.device=h100-sxm", "cluster.placement={}",
        ])))
    #expect(wide.tensorParallel.ranks == 16 && wide.tensorParallel.bytesPerSecond == 50e9)
    let narrow = try #require(
      CostModel(
        scenario: try TestSupport.quickstart([
          "cluster.layout={tp: 8, ep: 8}", "cluster.device=h100-sxm", "cluster.placement={}",
        ])))
    #expect(narrow.tensorParallel.bytesPerSecond == 450e9)
    let attentionDP = try #require(
      CostModel(
        scenario: try TestSupport.quickstart([
          "cluster.layout={dp: 8, ep: 8}", "cluster.device=h100-sxm", "cluster.placement={}",
        ])))
    #expect(attentionDP.tensorParallelCost(tokens: 4096, blocks: 8).bytesSent == 0)
    let single = try #require(
      CostModel(
        scenario: try TestSupport.quickstart([
          "cluster.device=h100-sxm", "cluster.placement={}",
        ])))
    #expect(
      Self.close(attentionDP.layerWork.flopsPerStepToken, single.layerWork.flopsPerStepToken / 8))
  }
}
