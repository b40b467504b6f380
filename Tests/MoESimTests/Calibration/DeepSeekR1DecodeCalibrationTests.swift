import Testing

@testable import MoESim

/// `Scenarios/calibration/deepseek-r1-trtllm-decode.json5` against TensorRT-LLM tech blog 4
/// ("Scaling Expert Parallelism in TensorRT-LLM"), Table 1, no EPLB at EP32, within the
/// calibration tolerance of ±15 % for CV and max/mean. One step of the first four MoE layers
/// (4096 tokens × 256 experts), the same router weights and domain offset as the full run.
@Suite struct DeepSeekR1DecodeCalibrationTests {
  static let tolerance = 0.15

  static let run = Result {
    try SimulationTests().collect(
      try TestSupport.scenario(
        "calibration/deepseek-r1-trtllm-decode.json5", "model.layers=7", "workload.steps=1")
    ).1
  }

  static func within(_ value: Double, _ measured: Double) -> Bool {
    abs(value / measured - 1) <= tolerance
  }

  /// The fitted statistic: per-expert load CV 164.1 / 128 = 1.28.
  @Test func expertCVMatches() throws {
    let cv = try Self.run.get().coefficientOfVariationMean
    #expect(Self.within(cv, 164.1 / 128), "\(cv)")
  }

  /// Not fitted: per-rank CV 491.6 / 1024 = 0.48 and max/mean 1 + 1.564 (8 experts per rank,
  /// contiguous), which follow from the per-expert spread and the placement.
  @Test func rankLoadCarriesOver() throws {
    let device = try #require(try Self.run.get().deviceMeans)
    #expect(Self.within(device.coefficientOfVariation, 491.6 / 1024), "\(device)")
    #expect(Self.within(device.maxOverMean, 2.564), "\(device)")
  }
}
