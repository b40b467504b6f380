import Testing

@testable import MoESim

/// The attention-kernel efficiency fit and its use in the time of the layers' other parts.
@Suite struct AttentionKernelFitTests {
  /// Rates made from a known law (0.5 of peak, half at 1,000 tokens) give it back exactly.
  @Test func recoversAKnownLaw() {
    let rows = [256.0, 1024, 8192].map { length in
      AttentionKernelFit.Measurement(length: length, tflops: 1000 * 0.5 * length / (length + 1000))
    }
    let fit = AttentionKernelFit.fitted(to: rows, peakTFLOPs: 1000)
    #expect(abs(fit.peakFraction - 0.5) < 1e-12)
    #expect(abs(fit.halfLength - 1000) < 1e-9)
  }

  /// FlashAttention-3: an independent weighted least-squares fit (numpy, `y = peak / rate`
  /// against `1 / L`, weights `1 / y²`) gave 0.66236 and 602.07; every one of the six points is
  /// within 3.2 % of the fit (the worst, 512 tokens: 3.15 %).
  @Test func flashAttention3FitAndResiduals() {
    let fit = AttentionKernelFit.flashAttention3
    #expect(abs(fit.peakFraction - 0.66236) < 5e-5)
    #expect(abs(fit.halfLength - 602.07) < 0.05)
    for row in AttentionKernelFit.flashAttention3H100 {
      let predicted = AttentionKernelFit.h100BF16PeakTFLOPs * fit.efficiency(length: row.length)
      #expect(abs(predicted / row.tflops - 1) < 0.032, "\(row.length) tokens")
    }
  }

  /// On the quickstart (context 4,096) in prefill, the attention FLOPs of a block run at the
  /// H100's BF16 peak × e(4,096), the rest at the matmul rate; in decode the law is not used.
  @Test func attentionRunsAtTheKernelRate() throws {
    let overrides = [
      "cluster.device=h100-sxm", "cluster.layout={tp: 2}",
      "cluster.cost.attention_efficiency=\"flash_attention_3\"",
    ]
    let scenario = try TestSupport.quickstart(overrides)
    let model = try #require(CostModel(scenario: scenario))
    let work = model.layerWork
    let compute = ComputeCost(model: scenario.model, context: scenario.memory.context)
    let context = scenario.memory.context
    let attention =
      compute.forwardAttentionFLOPsPerPosition
      * ComputeCost.attendedPositions(context: context, window: nil, causalMean: true) / 2
    #expect(
      attention > 0 && abs(work.attentionKernelFLOPsPerStepToken - attention) <= 1e-9 * attention)
    let rate = 989.5e12 * AttentionKernelFit.flashAttention3.efficiency(length: Double(context))
    let seconds = attention / rate
    #expect(abs(work.attentionKernelSecondsPerStepToken - seconds) <= 1e-9 * seconds)
    // One step of 4,096 tokens: the compute side of the roofline, by hand.
    let expected =
      (work.flopsPerStepToken - attention) * 4096 / model.flopsPerSecond + seconds * 4096
    let roofline = work.seconds(
      tokens: 4096, flopsPerSecond: model.flopsPerSecond, bytesPerSecond: model.hbmBytesPerSecond)
    // Compute-bound, so the kernel's rate shows in the time.
    #expect(expected > work.bytes(tokens: 4096) / model.hbmBytesPerSecond)
    #expect(abs(roofline - expected) <= 1e-12 * roofline)
    // An MoE layer's other parts use the same law: a device with no expert work computes
    // exactly the layer's non-expert roofline.
    var idle = DeviceTraffic(devices: 1)
    idle.sourceTokens = [4096]
    let layer = try #require(model.layer(idle).first)
    #expect(abs(layer.computeSeconds - roofline) <= 1e-12 * roofline)
    let decode = try #require(
      CostModel(scenario: TestSupport.quickstart(overrides + ["cluster.cost.mode=decode"])))
    #expect(decode.layerWork.attentionKernelFLOPsPerStepToken == 0)
    #expect(decode.layerWork.attentionKernelSecondsPerStepToken == 0)
  }
}
