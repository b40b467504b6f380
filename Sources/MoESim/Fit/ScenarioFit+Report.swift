import Foundation

extension ScenarioFit.Result {
  /// One statistic compared between the trace and the fitted scenario.
  public struct Comparison: Sendable, Equatable {
    public var statistic: String
    /// Transformer-block index, or nil for the mean over MoE layers.
    public var layer: Int?
    public var trace: Double
    public var fitted: Double
    /// The knob fitted to this statistic (pooled rows only), e.g. `router.bias_spread`.
    public var knob: String?
    public var difference: Double { fitted - trace }
  }

  /// The statistics a fit reports, each with how it is read from `FitStatistics`.
  static let statistics: [(name: String, value: @Sendable (FitStatistics.Layer) -> Double?)] = [
    ("run_load_cv", { $0.runLoadCV }),
    ("step_load_cv", { $0.stepLoadCV }),
    ("step_max_over_mean", { $0.stepMaxOverMean }),
    ("top1_repeat_rate", { $0.top1RepeatRate }),
    ("topk_overlap", { $0.topKOverlap }),
    ("cross_layer_affinity", { $0.crossLayerAffinity }),
  ]

  /// Goodness of fit: every statistic pooled over layers, then per MoE layer.
  public var comparisons: [Comparison] {
    var rows: [Comparison] = []
    for (name, value) in Self.statistics {
      guard let trace = self.trace.mean(value), let fitted = self.fitted.mean(value) else {
        continue
      }
      let knob = knobs.first { $0.knob.statistic == name && $0.keptBecause == nil }?.knob.key
      rows.append(Comparison(statistic: name, layer: nil, trace: trace, fitted: fitted, knob: knob))
    }
    for (name, value) in Self.statistics {
      for (traceLayer, fittedLayer) in zip(self.trace.layers, self.fitted.layers) {
        guard let trace = value(traceLayer), let fitted = value(fittedLayer) else { continue }
        rows.append(
          Comparison(
            statistic: name, layer: traceLayer.layer, trace: trace, fitted: fitted, knob: nil))
      }
    }
    return rows
  }

  /// Columns of `fit.csv`.
  public static let csvColumns = ["statistic", "layer", "trace", "fitted", "difference", "knob"]

  /// Writes the goodness of fit to `path` as CSV (atomically).
  public func writeCSV(to path: String) throws {
    let file = try CSVWriter(path: path, columns: Self.csvColumns)
    do {
      for row in comparisons {
        try file.write([
          .text(row.statistic), row.layer.map { .integer($0) } ?? .empty, .real(row.trace),
          .real(row.fitted), .real(row.difference), row.knob.map { .text($0) } ?? .empty,
        ])
      }
      try file.commit()
    } catch {
      file.discard()
      throw error
    }
  }

  /// The goodness of fit as an aligned table (the pooled rows), and each knob's value.
  public var table: String {
    var lines = ["knob                          value     matched statistic"]
    for knob in knobs {
      let value = String(format: "%.4f", knob.value).padding(
        toLength: 10, withPad: " ", startingAt: 0)
      let name = knob.knob.key.padding(toLength: 30, withPad: " ", startingAt: 0)
      let note =
        knob.keptBecause.map { "not fitted (\($0))" }
        ?? knob.knob.statistic + (knob.atBound ? " (outside the range: at its bound)" : "")
      lines.append(name + value + note)
    }
    lines.append("")
    lines.append("statistic               trace     fitted    difference")
    for row in comparisons where row.layer == nil {
      let cells = [row.trace, row.fitted, row.difference].map {
        String(format: "%.4f", $0).padding(toLength: 10, withPad: " ", startingAt: 0)
      }
      lines.append(
        row.statistic.padding(toLength: 24, withPad: " ", startingAt: 0) + cells.joined())
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The fitted scenario as JSON5: a comment header naming the trace, each knob's value and the
  /// statistic it matched, then the resolved scenario (every default filled in).
  public func scenarioText(tracePath: String) -> String {
    let workload = scenario.workload
    let moe = scenario.model.moe
    var lines = [
      "// Fitted by `moesim fit` to the routing trace \(ErrorText.oneLine(tracePath)):",
      "// \(workload.steps) steps × \(workload.tokensPerStep) tokens, "
        + "\(trace.layers.count) MoE layers, \(moe?.experts ?? 0) experts, top-\(moe?.topK ?? 0).",
      "// Each knob was searched so that a simulation of this scenario (seed \(scenario.seed), "
        + "the trace's shape) gives",
      "// the trace's value of one statistic (simulated moment matching; see Fit.md):",
    ]
    let pooled = comparisons.filter { $0.layer == nil }
    for knob in knobs {
      let value = String(format: "%.4f", knob.value)
      guard knob.keptBecause == nil,
        let row = pooled.first(where: { $0.statistic == knob.knob.statistic })
      else {
        lines.append("//   \(knob.knob.key) = \(value): not fitted, \(knob.keptBecause ?? "")")
        continue
      }
      lines.append(
        "//   \(knob.knob.key) = \(value) matches \(row.statistic): trace "
          + String(format: "%.4f, fitted %.4f", row.trace, row.fitted)
          + (knob.atBound ? " (target outside the range; at its bound)" : ""))
    }
    lines += [
      "// Other statistics (trace / fitted): "
        + pooled.filter { row in !knobs.contains { $0.knob.statistic == row.statistic } }
        .map { String(format: "\($0.statistic) %.4f / %.4f", $0.trace, $0.fitted) }
        .joined(separator: ", ") + ".",
      "// The knobs describe the token stream, not the batch: change workload.tokens_per_step,",
      "// workload.steps, cluster.* to extrapolate. Per-layer figures: moesim fit ... --csv.",
    ]
    return lines.joined(separator: "\n") + "\n" + RunWriter.resolvedJSON(scenario)
  }
}
