import Testing

@testable import MoESim

/// `precision.matmul` sets the peak rate the time model uses, apart from the stored formats.
@Suite struct MatmulPrecisionTests {
  @Test func matmulFormatSetsThePeak() throws {
    let device = ["cluster.device=h100-sxm"]
    let bf16 = try #require(CostModel(scenario: TestSupport.quickstart(device)))
    #expect(bf16.peakFLOPsPerSecond == 989.5e12)
    // FP8 training: BF16 weights and activations, FP8 tensor cores (3,958 sparse / 2).
    let fp8 = try #require(
      CostModel(scenario: TestSupport.quickstart(device + ["precision.matmul=\"fp8\""])))
    #expect(fp8.peakFLOPsPerSecond == 1979e12)
    // Without the key, the slower of weights and activations.
    let mixed = try #require(
      CostModel(
        scenario: TestSupport.quickstart(
          device + ["precision.weights=\"fp8\"", "precision.activations=\"bf16\""])))
    #expect(mixed.peakFLOPsPerSecond == 989.5e12)
  }

  @Test func anUnknownFormatNamesTheKey() {
    #expect {
      try TestSupport.quickstart(["precision.matmul=\"fp6\""])
    } throws: { error in
      "\(error)".contains("precision.matmul") && "\(error)".contains("fp8")
    }
  }
}
