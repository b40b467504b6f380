import Testing

@testable import MoESim

/// The pipeline schedule's global-batch time, by hand.
@Suite struct PipelineScheduleTests {
  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }

  /// Equal stages: `(m + (p − 1)/v) · t`, the bubble fraction `(p − 1)/(v · m)` of Narayanan et
  /// al. 2021. Four stages of 2 s, 8 micro-batches: 1F1B 8·2 + 3·2 = 22 s; two chunks per
  /// device 8·2 + 3·2/2 = 19 s.
  @Test func equalStagesHaveTheNarayananBubble() {
    let stages = [2.0, 2, 2, 2]
    let none = [Double](repeating: 0, count: 4)
    let plain = PipelineSchedule(microBatches: 8)
    #expect(Self.close(plain.batchSeconds(stageSeconds: stages, perBatchSeconds: none), 22))
    let interleaved = PipelineSchedule(microBatches: 8, virtualStages: 2)
    #expect(Self.close(interleaved.batchSeconds(stageSeconds: stages, perBatchSeconds: none), 19))
    // Bubble fraction (p − 1)/(v · m) of the ideal m · t = 16 s: 6/16 and 3/16.
    #expect(Self.close((22 - 16) / 16.0, 3.0 / 8))
    #expect(Self.close((19 - 16) / 16.0, 3.0 / 16))
  }

  /// Unequal stages: the slowest (3 s) runs the 4 micro-batches back to back, the others (1 + 2
  /// s) fill and drain once: 4·3 + 3 = 15 s. The once-per-batch costs add their largest
  /// (stage 1: 0.5 s) after the flush: 15.5 s; an overlap of 0.5 hides half of it behind the
  /// stage's micro-batch (min(0.5, 3) = 0.5): 15.25 s; stage 0's 0.4 s less half of it is 0.2.
  @Test func theSlowestStageSetsTheSteadyState() {
    let stages = [1.0, 3, 2]
    let once = [0.4, 0.5, 0]
    let schedule = PipelineSchedule(microBatches: 4)
    #expect(Self.close(schedule.batchSeconds(stageSeconds: stages, perBatchSeconds: once), 15.5))
    let overlapped = PipelineSchedule(microBatches: 4, overlap: 0.5)
    #expect(
      Self.close(overlapped.batchSeconds(stageSeconds: stages, perBatchSeconds: once), 15.25))
  }

  /// One micro-batch is the step passing through its stages one after another.
  @Test func oneMicroBatchIsThePassThroughEveryStage() {
    let schedule = PipelineSchedule()
    #expect(
      Self.close(
        schedule.batchSeconds(stageSeconds: [1, 3, 2], perBatchSeconds: [0, 0.5, 0]), 6.5))
  }

  /// Every block is in the stage whose range holds it, for every split of 1 to 40 blocks.
  @Test func stageOfBlockInvertsTheStageRanges() {
    for blocks in 1...40 {
      for pp in 1...blocks + 2 {
        let stages = PipelineStages(pp: pp, blocks: blocks)
        var covered = 0
        for stage in 0..<stages.count {
          let range = stages.blocks(ofStage: stage)
          #expect(range.lowerBound == covered && !range.isEmpty)
          covered = range.upperBound
          for block in range { #expect(stages.stage(ofBlock: block) == stage) }
        }
        #expect(covered == blocks)
      }
    }
  }

  /// Four MoE layers of `TwoBatchOverlapTests`' one-batch traffic (1.24e-5 s each) on two
  /// stages of two: with 4 micro-batches a step takes a quarter of 4·2.48e-5 + 2.48e-5 (1F1B)
  /// or of 4·2.48e-5 + 2.48e-5 / 2 (two chunks per device).
  @Test func aStepIsItsShareOfTheGlobalBatch() throws {
    func step(_ cost: ClusterCostSpec) throws -> Double {
      let base = TwoBatchOverlapTests.model(twoBatch: false)
      let model = CostModel(
        device: base.device, cost: cost, expertParameters: 1e6, layerWork: .zero,
        stageStepWork: [(.zero, 0), (.zero, 0)], pipeline: PipelineStages(pp: 2, blocks: 4),
        headWork: .zero,
        hiddenSize: 1, weightBytesPerParameter: 1, activationBytes: 1,
        dispatchBytesPerToken: 1000, combineBytesPerToken: 1000, nodeForwarding: false,
        peakFLOPsPerSecond: 1e12, spansNodes: true, dataParallelSpansNodes: false,
        tensorParallelRanks: 1, tensorParallelSpansNodes: false, dataParallelReplicas: 1,
        expertGradientBytes: 0)
      let layers = (0..<4).map { layer in
        var metrics = DeviceTrafficTests.metrics(TwoBatchOverlapTests.traffic)
        metrics.layer = layer
        return metrics
      }
      return try #require(ClusterStep(step: 0, layers: layers, model: model)?.stepSeconds)
    }
    let layer = 1.24e-5
    #expect(Self.close(try step(ClusterCostSpec(expertPaddingRows: 1)), 4 * layer))
    #expect(
      Self.close(
        try step(ClusterCostSpec(expertPaddingRows: 1, microBatches: 4)),
        (4 * 2 * layer + 2 * layer) / 4))
    #expect(
      Self.close(
        try step(ClusterCostSpec(expertPaddingRows: 1, microBatches: 4, virtualStages: 2)),
        (4 * 2 * layer + layer) / 4))
  }

  /// End to end on the quickstart in training on 2 stages: the routing does not depend on the
  /// schedule, so a step is `t_max + K / m` (K the fill, drain and gradient all-reduce) and
  /// `S_1 − S_2 = 2 (S_2 − S_4)`; interleaving shortens the step.
  @Test func stepTimeFallsAsOneOverMicroBatches() throws {
    func seconds(_ extra: [String]) throws -> Double {
      let scenario = try TestSupport.quickstart(
        [
          "workload.steps=1", "workload.tokens_per_step=256", "workload.sequence_length=64",
          "cluster.layout={tp: 1, pp: 2, dp: 2, ep: 2}", "cluster.device=h100-sxm",
          "cluster.placement={}", "cluster.cost.mode=training",
        ] + extra)
      let row = try DenseRunTimingTests.summary(scenario)
      return try #require(Double(row["step_time_s"] ?? ""))
    }
    let one = try seconds([])
    let two = try seconds(["cluster.cost.micro_batches=2"])
    let four = try seconds(["cluster.cost.micro_batches=4"])
    #expect(one > two && two > four)
    #expect(abs((one - two) - 2 * (two - four)) <= 1e-9 * one)
    let interleaved = try seconds([
      "cluster.cost.micro_batches=2", "cluster.cost.virtual_stages=2",
    ])
    #expect(interleaved < two)
  }

  @Test func interleavingNeedsStagesAndWholeRounds() {
    for (overrides, key) in [
      (["cluster.cost.virtual_stages=2"], "cluster.cost.virtual_stages"),
      (
        [
          "cluster.layout={pp: 2, dp: 1}", "cluster.cost.virtual_stages=2",
          "cluster.cost.micro_batches=3",
        ], "cluster.cost.micro_batches"
      ),
      (["cluster.layout={pp: 2}", "cluster.cost.virtual_stages=5"], "cluster.cost.virtual_stages"),
    ] {
      #expect {
        try TestSupport.quickstart(overrides)
      } throws: { error in
        "\(error)".contains(key)
      }
    }
  }
}
