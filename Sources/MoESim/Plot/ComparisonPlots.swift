import Foundation

/// The charts of a `moesim compare` folder: one bar per variant of `comparison.csv` for each
/// figure that every variant has (`compare-<figure>.svg`).
enum ComparisonPlots {
  /// The `comparison.csv` figures drawn, with their units; a figure empty in some row (a step
  /// time without the time model or the run) is not drawn.
  static let figures: [(column: String, unit: String)] = [
    ("total_params", "parameters"), ("active_params", "parameters"),
    ("forward_flops_per_token", "FLOPs per token"),
    ("memory_bytes_per_device", "bytes on the fullest device"), ("step_time_s", "s"),
    ("tokens_per_s", "tokens/s"),
  ]

  /// `(file name, SVG)` for each figure every row has.
  static func charts(_ table: CSVTable) throws -> [(String, String)] {
    let variants = try table.index("variant")
    let names = table.rows.map { $0[variants] }
    return try figures.compactMap { figure in
      let column = try table.index(figure.column)
      guard !table.rows.isEmpty, table.rows.allSatisfy({ column < $0.count && !$0[column].isEmpty })
      else { return nil }
      let values = try table.numbers(figure.column)
      let svg = Charts.stackedBars(
        title: "\(figure.column) by variant", yLabel: "\(figure.column) (\(figure.unit))",
        barLabels: names, kinds: [figure.column], values: values.map { [$0] })
      return ("compare-\(figure.column).svg", svg)
    }
  }
}
