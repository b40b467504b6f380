import MoESimKernels

/// How close the logits GEMM, the one part of a routing decision fixed by the router's size,
/// comes to the machine's multiply-add throughput, both measured on one thread in the same
/// invocation.
public struct RooflineMeasurement: Sendable, Equatable {
  /// 16-lane fused multiply-adds per second (`FMAPeakProbe`).
  public var fmasPerSecond: Double
  /// The logits kernel alone on the workload's shapes, ns per decision.
  public var gemmNanosecondsPerDecision: Double
  /// 16-lane fused multiply-adds per decision: `d · E / 16`, experts padded to 16 in rows, to
  /// the tile width (8 or 16) in token tiles.
  public var fmasPerDecision: Int
  /// The logits layout measured.
  public var layout: TokenTiles.Layout
  /// The kernel variant measured.
  public var kernels: String

  /// The GEMM's time per decision at the peak.
  public var peakNanosecondsPerDecision: Double { Double(fmasPerDecision) / fmasPerSecond * 1e9 }
  /// The fraction of the peak the GEMM reaches.
  public var fractionOfPeak: Double { peakNanosecondsPerDecision / gemmNanosecondsPerDecision }
}

/// Measures `RooflineMeasurement`s for `moesim bench`.
public enum Roofline {
  /// Times the FMA probe and the logits kernel of `layout` (the run's: `RunTotals.logitsLayout`)
  /// on `scenario`'s shapes (256-token blocks, the weights of up to 8 layers in turn, as a
  /// routing work item uses them), alternating `segments` times; each reports its fastest
  /// segment, as the machine allowed at best.
  public static func measure(
    _ scenario: Scenario, layout: TokenTiles.Layout = .rows, kernels: KernelSet = .selected,
    segments: Int = 5, secondsPerSegment: Double = 0.05
  ) -> RooflineMeasurement {
    let dim = scenario.workload.routerDim
    let experts = scenario.model.moe?.experts ?? 1
    let padded = (experts + LogitsKernel.lanes - 1) / LogitsKernel.lanes * LogitsKernel.lanes
    let tokens = Simulation.blockTokens
    let layers = max(1, min(8, scenario.model.moeLayerIndices.count))
    // Values of the same scale as the simulation's (exact zeros or denormals would not be), in
    // the simulation's cache-line-aligned buffers.
    let hidden = SharedPointer.copy((0..<tokens * dim).map { Float(($0 * 37) % 101) / 50 - 1 })
    let weights = SharedPointer.copy(
      (0..<layers * dim * padded).map { Float(($0 * 53) % 97) / 400 - 0.12 })
    let bias = SharedPointer<Float>.allocate(padded, 0.01)
    let logits = SharedPointer<Float>.allocate(tokens * padded, 0)
    defer {
      hidden.deallocate(); weights.deallocate(); bias.deallocate(); logits.deallocate()
    }
    var bestProbe = Double.infinity
    var bestGemm = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<max(1, segments) {
      // The probe: rounds doubled until a segment lasts long enough.
      var rounds = 1 << 16
      while true {
        let start = clock.now
        // An opaque closure call: its result is computed whether used or not.
        _ = kernels.fmaPeakProbe(rounds)
        let seconds = (clock.now - start).inSeconds
        if seconds >= secondsPerSegment {
          bestProbe = min(bestProbe, seconds / Double(rounds * FMAPeakProbe.perRound))
          break
        }
        rounds *= 2
      }
      // The GEMM: whole blocks, layer after layer, for about as long.
      var calls = 0
      let start = clock.now
      var seconds = 0.0
      repeat {
        let layerWeights = weights + (calls % layers) * dim * padded
        if layout == .tokenTiles {
          // The hidden values as tiles: any values of the same scale serve.
          kernels.tileLogits(
            hidden.base, tokens, dim, layerWeights, bias.base, padded, experts, logits.base)
        } else {
          kernels.logits(hidden.base, tokens, dim, layerWeights, bias.base, padded, logits.base)
        }
        calls += 1
        seconds = (clock.now - start).inSeconds
      } while seconds < secondsPerSegment
      bestGemm = min(bestGemm, seconds / Double(calls * tokens))
    }
    return RooflineMeasurement(
      fmasPerSecond: 1 / bestProbe, gemmNanosecondsPerDecision: bestGemm * 1e9,
      fmasPerDecision: dim * (layout == .tokenTiles ? TokenTiles.width(experts: experts) : padded)
        / LogitsKernel.lanes, layout: layout, kernels: kernels.name)
  }
}
