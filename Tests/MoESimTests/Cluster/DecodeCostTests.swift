import Testing

@testable import MoESim

/// The modes differ in substance on a simulated routing (quickstart model: 16 experts top-2,
/// 7 MoE layers, on `tp 16 × ep 8` H100s).
@Suite struct DecodeCostTests {
  static let cluster = [
    "router.capacity_factor=null", "cluster.layout={tp: 16, ep: 8}", "cluster.device=h100-sxm",
    "cluster.placement={}", "workload.steps=2",
  ]

  /// Every layer's traffic of every step, costed.
  static func run(_ overrides: [String]) throws -> (
    CostModel, Scenario, [ClusterStep], [[CostModel.DeviceLayerCost]]
  ) {
    let scenario = try TestSupport.quickstart(cluster + overrides)
    let model = try #require(CostModel(scenario: scenario))
    var steps: [ClusterStep] = []
    var layers: [[CostModel.DeviceLayerCost]] = []
    _ = try Simulation(scenario: scenario).run(threads: 2) { step, metrics in
      layers += metrics.compactMap { layer in
        layer.devices.map { model.layer($0, tokens: layer.tokens) }
      }
      if let cluster = ClusterStep(step: step, layers: metrics, model: model) {
        steps.append(cluster)
      }
    }
    return (model, scenario, steps, layers)
  }

  /// Decode of 8 sequences at a 4,096-token context: both the routed experts and the other parts
  /// take longer to read than to compute on every device with work (memory-bound), and a step reads more
  /// bytes than the active parameters hold — more expert weights alone than the `k` experts per
  /// layer a single token activates (the issue's "MoE decode reads far more than the active
  /// parameters at small batch").
  @Test func smallBatchDecodeIsMemoryBound() throws {
    let (model, scenario, steps, layers) = try Self.run([
      "workload.tokens_per_step=8", "workload.sequence_length=8", "cluster.cost.mode=decode",
    ])
    let flops = model.flopsPerSecond
    let hbm = model.hbmBytesPerSecond
    #expect(layers.count == 2 * 7)
    for layer in layers {
      // A device no token reached at this layer has no expert work at all.
      for device in layer where device.expertFLOPs > 0 {
        #expect(device.expertBytes / hbm > device.expertFLOPs / flops)
        #expect(device.denseBytes / hbm > device.denseFLOPs / flops)
        #expect(device.kvCacheBytes > 0)
      }
    }
    let part = model.stepParts(tokens: 8)[0]
    #expect(part.bytes / hbm > part.flops / flops)

    let parts = ParameterBreakdown(model: scenario.model)
    let active = ParameterCount(parts, model: scenario.model).active
    let w = scenario.precision.weightBytes
    let activeExpertBytes = 7 * 2 * model.expertParameters * w
    for step in steps {
      let read = step.devices.map(\.hbmBytes).reduce(0, +)
      #expect(read > active * w, "step \(step.step): \(read) bytes vs \(active * w)")
    }
    for stepLayers in [layers[0..<7], layers[7..<14]] {
      let expertRead = stepLayers.flatMap { $0 }.map(\.expertWeightBytes).reduce(0, +)
      #expect(expertRead > activeExpertBytes)
    }
  }

  /// Prefill of 8,192 tokens on the same cluster, 4,096 for each of its two expert-parallel
  /// groups (`tp × dp = 16` devices over `ep = 8`): ~512 assignments per expert, above the H100's
  /// 989.5e12 / 3.35e12 ≈ 295 FLOPs per byte, so the experts are compute-bound in total; no KV
  /// cache is read, only the prompt's keys and values written (one token's each).
  @Test func largePrefillIsComputeBound() throws {
    let (model, _, _, layers) = try Self.run([
      "workload.tokens_per_step=8192", "cluster.cost.mode=prefill",
    ])
    let all = layers.flatMap { $0 }
    let flopsTime = all.map(\.expertFLOPs).reduce(0, +) / model.flopsPerSecond
    let bytesTime = all.map(\.expertBytes).reduce(0, +) / model.hbmBytesPerSecond
    #expect(flopsTime > bytesTime)
    // KV bytes written per step token = one token's KV per layer on one device / dp.
    let expected = 8192 * model.layerWork.kvCacheBytesPerStepToken
    #expect(all.allSatisfy { $0.kvCacheBytes == expected })
    #expect(model.layerWork.kvCacheBytesPerStepToken > 0)
  }
}
