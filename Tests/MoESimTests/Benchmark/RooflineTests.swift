import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct RooflineTests {
  /// The probe's 12 chains `a ← a · m + c` on every variant give the bits of the same chains
  /// computed one float at a time with `addingProduct` (one rounding each), so every variant
  /// does the work it reports.
  @Test func everyVariantsProbeComputesItsChains() {
    let rounds = 1000
    var lanes: [Float] = (1...12).map(Float.init)
    for _ in 0..<rounds {
      for chain in lanes.indices {
        lanes[chain] = Float(1e-7).addingProduct(lanes[chain], 0.999_999)
      }
    }
    let expected = lanes.reduce(0, +)
    for kernels in KernelSet.available {
      #expect(kernels.fmaPeakProbe(rounds).bitPattern == expected.bitPattern, "\(kernels.name)")
    }
    #expect(FMAPeakProbe.perRound == lanes.count)
  }

  /// The GEMM's multiply-adds per decision follow the router's shape (rows: experts padded to
  /// 16; token tiles: to 8 or 16), and the measured figures are positive and consistent with
  /// one another.
  @Test(arguments: [
    (64, 256, TokenTiles.Layout.rows, 1024), (64, 8, .rows, 64), (24, 20, .rows, 48),
    (64, 8, .tokenTiles, 32), (64, 5, .tokenTiles, 32), (24, 12, .tokenTiles, 24),
  ])
  func measurementFollowsTheRouterShape(
    dim: Int, experts: Int, layout: TokenTiles.Layout, fmas: Int
  ) throws {
    let scenario = try TestSupport.quickstart(
      ["workload.router_dim=\(dim)", "model.moe.experts=\(experts)", "model.moe.top_k=2"])
    let roofline = Roofline.measure(
      scenario, layout: layout, segments: 1, secondsPerSegment: 0.005)
    #expect(roofline.fmasPerDecision == fmas && roofline.layout == layout)
    // Positive, not a speed: the rate depends on how busy the machine is (never a timed test).
    #expect(roofline.fmasPerSecond > 0 && roofline.fmasPerSecond.isFinite)
    #expect(roofline.gemmNanosecondsPerDecision > 0)
    let atPeak = Double(fmas) / roofline.fmasPerSecond * 1e9
    #expect(abs(roofline.peakNanosecondsPerDecision - atPeak) < 1e-9 * atPeak)
    #expect(
      abs(roofline.fractionOfPeak - atPeak / roofline.gemmNanosecondsPerDecision) < 1e-12)
    #expect(roofline.kernels == KernelSet.selected.name)
  }
}
