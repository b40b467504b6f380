/// `validation.csv`: each published measurement of the scenario against the run's figure.
extension ResultTables {
  public static let validationColumns = [
    "metric", "unit", "measured", "predicted", "ratio", "expect", "holds", "source",
  ]

  /// One row per `validation` entry, in the scenario's order; `ratio` is predicted / measured,
  /// `holds` whether it is what `expect` claims. `predicted`, `ratio` and `holds` are empty when
  /// the run has no such figure (an untimed run, or no all-to-all traffic).
  public static func validationRows(_ totals: ClusterTotals, scenario: Scenario) -> [[CSVField]] {
    (scenario.validation ?? []).map { entry in
      let predicted = entry.metric.predicted(totals, scenario: scenario)
      let ratio = predicted.map { $0 / entry.measured }
      return [
        .text(entry.metric.rawValue), .text(entry.metric.unit), .real(entry.measured),
        predicted.map(CSVField.real) ?? .empty, ratio.map(CSVField.real) ?? .empty,
        .text(entry.expect.rawValue),
        ratio.map { .text(entry.holds(ratio: $0) ? "true" : "false") } ?? .empty,
        .text(entry.source),
      ]
    }
  }
}
