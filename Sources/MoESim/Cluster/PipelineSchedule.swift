/// The time of a global batch of `m` micro-batches through `p` pipeline stages under Megatron's
/// 1F1B schedule, interleaved over `v` model chunks per device (Narayanan et al. 2021,
/// "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
/// arXiv:2104.04473, sec. 2.2).
///
/// In the steady state the slowest stage runs the `m` micro-batches back to back; the pipeline
/// fills and drains through the other stages once, each in `1 / v` of its micro-batch time with
/// `v` chunks:
///
/// ```
/// batch = m · max_s t_s + (Σ_s t_s − max_s t_s) / v + max_s (c_s − overlap · min(c_s, t_s))
/// ```
///
/// `t_s` is one micro-batch (forward and backward) on stage `s`, `c_s` the stage's once-per-batch
/// costs (gradient all-reduce, re-plan copy) after the flush, hidden behind a micro-batch's work
/// by the `overlap` factor. With equal stages this is `(m + (p − 1)/v) · t`: the bubble fraction
/// `(p − 1)/(v · m)` of the paper's eq. 1 and sec. 2.2.2. One micro-batch through one stage is
/// `Σ_s t_s + c`, the pass of a step through its stages one after another.
public struct PipelineSchedule: Sendable, Equatable {
  public var microBatches: Int
  public var virtualStages: Int
  /// Fraction of the once-per-batch costs hidden behind a micro-batch's work (`cluster.cost.overlap`).
  public var overlap: Double

  public init(microBatches: Int = 1, virtualStages: Int = 1, overlap: Double = 0) {
    self.microBatches = microBatches
    self.virtualStages = virtualStages
    self.overlap = overlap
  }

  /// The schedule of `cost`.
  public init(_ cost: ClusterCostSpec) {
    self.init(
      microBatches: cost.microBatches, virtualStages: cost.virtualStages, overlap: cost.overlap)
  }

  /// Seconds of a global batch, from each stage's micro-batch time `stageSeconds` and
  /// once-per-batch time `perBatchSeconds` (the same count, one per stage).
  public func batchSeconds(stageSeconds: [Double], perBatchSeconds: [Double]) -> Double {
    let slowest = stageSeconds.max() ?? 0
    let fillAndDrain = (stageSeconds.reduce(0, +) - slowest) / Double(virtualStages)
    let exposed =
      zip(stageSeconds, perBatchSeconds).map { work, once in
        once - overlap * min(once, work)
      }.max() ?? 0
    return Double(microBatches) * slowest + fillAndDrain + exposed
  }

}
