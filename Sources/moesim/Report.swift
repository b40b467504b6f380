import Foundation
import MoESim

/// Human-readable text for the terminal; the CSV files carry the full-precision figures.
enum Report {
  /// `46.70B`, `131.07M`, `8.19K`, `512`.
  static func count(_ value: Double) -> String {
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
    for (scale, suffix) in units where abs(value) >= scale {
      return String(format: "%.2f%@", value / scale, suffix)
    }
    return String(format: "%.0f", value)
  }

  static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }

  static func runSummary(
    scenario: Scenario, totals: RunTotals, folder: String, files: [String] = RunWriter.files
  ) -> String {
    let params = ParameterCount(model: scenario.model)
    let workload = scenario.workload
    var lines = ["\(scenario.name): \(workload.steps) steps × \(workload.tokensPerStep) tokens"]
    lines.append(
      "  parameters  total \(count(params.total)), active \(count(params.active)) per token"
        + " (\(percent(params.total > 0 ? params.active / params.total : 0)))")
    if let moe = scenario.model.moe {
      lines.append(
        "  routing     \(totals.layers.count) MoE layers × \(moe.experts) experts, top-\(moe.topK),"
          + " \(scenario.router.kind.rawValue)")
      lines.append(
        String(
          format: "  load        max/mean %.3f on average, %.3f at worst (1 = balanced)",
          totals.meanMaxOverMean, totals.worstMaxOverMean))
      lines.append(
        "  drops       \(percent(totals.dropFraction)) of assignments"
          + (scenario.router.capacityFactor.map { " (capacity factor \($0))" } ?? " (dropless)"))
      lines.append(
        String(
          format: "  losses      aux %.4f (1 = balanced), z-loss %.3f", totals.auxLossMean,
          totals.zLossMean))
    } else {
      lines.append("  routing     dense model: no MoE layers, nothing routed")
    }
    lines.append("results in \(folder)/: \(files.joined(separator: ", "))")
    return lines.joined(separator: "\n")
  }

  private static func pad(_ cells: [String]) -> String {
    let widths = [16, 12, 12, 14]
    return zip(cells, widths).enumerated().map { index, pair in
      let (cell, width) = pair
      let padding = String(repeating: " ", count: max(0, width - cell.count))
      return index == 0 ? cell + padding : padding + cell
    }.joined(separator: " ")
  }
}
