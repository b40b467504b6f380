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

  static func parameterTable(scenario: Scenario, count: ParameterCount) -> String {
    var lines = [
      "\(scenario.name): parameters by component",
      "",
      pad(["component", "total", "active", "share of total"]),
    ]
    for component in count.components {
      lines.append(
        pad([
          component.name, Self.count(component.total), Self.count(component.active),
          percent(count.total > 0 ? component.total / count.total : 0),
        ]))
    }
    lines.append(pad(["total", Self.count(count.total), Self.count(count.active), "100.0%"]))
    for extra in count.extras {
      lines.append(
        pad([
          "+ \(extra.name)", Self.count(extra.total), Self.count(extra.active),
          "(not in total)",
        ]))
    }
    lines.append("")
    let embeddingNote =
      scenario.model.activeCountsEmbedding
      ? "active counts the input embedding (model.active_counts_embedding = true)"
      : "active leaves out the input embedding (model.active_counts_embedding = false)"
    lines.append(
      "active per token: \(percent(count.total > 0 ? count.active / count.total : 0)) of total; "
        + embeddingNote)
    lines.append(
      "active with the input embedding \(Self.count(count.activeWithEmbedding)), without it "
        + Self.count(count.activeWithoutEmbedding))
    return lines.joined(separator: "\n")
  }

  static func runSummary(scenario: Scenario, totals: RunTotals, folder: String) -> String {
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
    lines.append("results in \(folder)/: \(RunWriter.files.joined(separator: ", "))")
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
