import Foundation
import Testing

@testable import MoESim

/// The grouped-GEMM efficiency fit and its use in the expert time.
@Suite struct GroupedGemmFitTests {
  /// Rows made from a known law (peak fraction 0.5, 100 padding rows) give it back exactly.
  @Test func recoversAKnownLaw() {
    let peak = 1000.0
    let rows = [64.0, 256, 4096].flatMap { m in
      [(4096.0, 7168.0), (7168.0, 2048.0)].map { n, k in
        GroupedGemmFit.Measurement(
          groups: 2, rowsPerGroup: m, n: n, k: k, tflops: peak * 0.5 * m / (m + 100))
      }
    }
    let fit = GroupedGemmFit.fitted(to: rows, peakTFLOPs: peak)
    #expect(abs(fit.peakFraction - 0.5) < 1e-9)
    #expect(abs(fit.paddingRows - 100) < 1e-6)
  }

  /// The DeepGEMM fit: an independent least-squares fit (numpy, relative error over whole
  /// experts, the README table's 10 rows) gave 0.6580 and 130.64; each expert's predicted time
  /// is within 5 % of the table's (the worst, 512 and 1,024 rows, 4 %).
  @Test func deepGEMMFitAndResiduals() {
    let fit = GroupedGemmFit.deepGEMM
    #expect(abs(fit.peakFraction - 0.6580) < 5e-4)
    #expect(abs(fit.paddingRows - 130.64) < 0.05)
    let table = GroupedGemmFit.deepGEMMH800
    for pair in stride(from: 0, to: table.count, by: 2) {
      let (first, second) = (table[pair], table[pair + 1])
      let measured = first.seconds + second.seconds
      let flops =
        2 * first.groups * (first.rowsPerGroup + fit.paddingRows)
        * (first.n * first.k + second.n * second.k)
      let predicted = flops / (GroupedGemmFit.h800FP8PeakTFLOPs * 1e12 * fit.peakFraction)
      #expect(abs(predicted / measured - 1) < 0.05, "\(first.rowsPerGroup) rows")
    }
  }

  /// `moesim help scenario` quotes the fit rounded as the defaults of `gemm_efficiency: "deepgemm"`.
  @Test func keyTableQuotesTheFit() throws {
    let fit = GroupedGemmFit.deepGEMM
    let keys = ScenarioKeys.all.filter { $0.block == "cluster.cost" }
    let efficiency = try #require(keys.first { $0.name == "compute_efficiency" })
    let padding = try #require(keys.first { $0.name == "expert_padding_rows" })
    #expect(efficiency.defaultValue.contains(String(format: "%.3f", fit.peakFraction)))
    #expect(padding.defaultValue.contains(String(format: "%.0f", fit.paddingRows)))
  }

  /// Expert time with padding, by hand: 3 assignments on 2 touched slots of 10 parameters,
  /// 100 padding rows, 1e12 FLOP/s at efficiency 0.5 → 2 · 10 · (3 + 200) / 5e11 = 8.12e-9 s;
  /// the expert FLOPs reported stay 2 · 10 · 3 = 60.
  @Test func paddingAddsRowsPerTouchedSlot() throws {
    var traffic = DeviceTraffic(devices: 1)
    traffic.assignments = [3]
    traffic.slotsTouched = [2]
    traffic.sourceTokens = [3]
    let device = DeviceSpec(
      name: "test", memoryGB: 80, hbmBandwidthGBps: 1e9, fp32TFLOPs: 1, bf16TFLOPs: 1,
      fp8TFLOPs: nil, int8TOPs: nil, intraNodeBandwidthGBps: 100, interNodeBandwidthGBps: 10,
      linkLatencyMicroseconds: 0, devicesPerNode: 8)
    let model = CostModel(
      device: device, cost: ClusterCostSpec(computeEfficiency: 0.5, expertPaddingRows: 100),
      expertParameters: 10, hiddenSize: 1, weightBytesPerParameter: 1, activationBytes: 1,
      peakFLOPsPerSecond: 1e12, spansNodes: false)
    let cost = try #require(model.layer(traffic).first)
    #expect(abs(cost.computeSeconds - 8.12e-9) < 1e-21)
    #expect(cost.expertFLOPs == 60)
  }

  /// `gemm_efficiency: "deepgemm"` sets the fit as the defaults; explicit keys override it.
  @Test func scenarioDefaultsAndOverrides() throws {
    let fitted = try TestSupport.quickstart(["cluster.cost.gemm_efficiency=\"deepgemm\""])
    #expect(fitted.cluster.cost.computeEfficiency == GroupedGemmFit.deepGEMM.peakFraction)
    #expect(fitted.cluster.cost.expertPaddingRows == GroupedGemmFit.deepGEMM.paddingRows)
    let overridden = try TestSupport.quickstart([
      "cluster.cost.gemm_efficiency=\"deepgemm\"", "cluster.cost.compute_efficiency=0.9",
      "cluster.cost.expert_padding_rows=0",
    ])
    #expect(overridden.cluster.cost.computeEfficiency == 0.9)
    #expect(overridden.cluster.cost.expertPaddingRows == 0)
    let peak = try TestSupport.quickstart([])
    #expect(peak.cluster.cost.computeEfficiency == 1)
    #expect(peak.cluster.cost.expertPaddingRows == 0)
  }
}
