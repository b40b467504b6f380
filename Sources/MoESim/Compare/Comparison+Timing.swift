import Foundation

/// The step-time columns of `comparison.csv`: the MoE row's from its own run, the dense rows'
/// from `DenseStepTime`.
extension Comparison {
  /// Step time and throughput of one variant, as `summary.csv`'s `step_time_s` and
  /// `tokens_per_s`.
  public struct StepTiming: Sendable, Equatable {
    public var stepSeconds: Double
    public var tokensPerSecond: Double
  }

  /// `step_time_s` and `tokens_per_s` of each variant's `summary.csv` in `folder/<variant>`
  /// (written by `run`), nil for a variant whose cells are empty (no `cluster.placement` or
  /// `cluster.device`, or a dense variant, which has no MoE layer to time).
  /// - Throws: `OutputError` (`.ioError`) when a summary cannot be read or lacks the columns.
  public static func runTimings(_ variants: [Variant], folder: String) throws -> [StepTiming?] {
    try variants.map { variant in
      let path = URL(fileURLWithPath: folder).appendingPathComponent(variant.name)
        .appendingPathComponent("summary.csv").path
      do {
        let table = try CSVTable(path: path)
        let seconds = try table.index("step_time_s")
        let throughput = try table.index("tokens_per_s")
        guard let row = table.rows.first, row.count > max(seconds, throughput) else {
          throw PlotError(path: path, detail: "has no data row")
        }
        guard let stepSeconds = Double(row[seconds]),
          let tokensPerSecond = Double(row[throughput])
        else { return nil }
        return StepTiming(stepSeconds: stepSeconds, tokensPerSecond: tokensPerSecond)
      } catch let error as PlotError {
        throw OutputError(.ioError, path: path, detail: error.detail)
      }
    }
  }

  /// The timing of `variants[index]`: a dense variant's from `DenseStepTime` against the first
  /// (MoE) variant, the MoE's from `runTimings` (nil without a run).
  static func timing(_ variants: [Variant], index: Int, runTimings: [StepTiming?]?)
    -> StepTiming?
  {
    let scenario = variants[index].scenario
    guard scenario.model.moe != nil else {
      return variants.first.flatMap { DenseStepTime.timing(dense: scenario, moe: $0.scenario) }
    }
    return runTimings.flatMap { index < $0.count ? $0[index] : nil }
  }
}
