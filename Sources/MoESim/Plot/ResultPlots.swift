import Foundation

/// `moesim plot`: reads the CSVs of a results folder (or a sweep folder) and writes SVG charts
/// next to them, each atomically:
///
/// | chart | from | shows |
/// |---|---|---|
/// | `load-heatmap.svg` | `experts.csv` | `load_share` per MoE layer × expert |
/// | `imbalance.svg` | `steps.csv` | mean and worst layer of `max_over_mean_load`, by step |
/// | `drops.svg` | `steps.csv` | dropped / routed assignments over all layers, per step |
/// | `memory.svg` | `memory.csv` | GiB per device by kind, a bar per layout × pipeline stage |
/// | `sweep-<figure>.svg` | `sweep.csv` | each headline figure against the first varied key |
/// | `compare-<figure>.svg` | `comparison.csv` | a bar per variant (see `ComparisonPlots`) |
///
/// A compare folder's variant folders (`moe/`, `dense_equal_active/`, …) are plotted too.
public enum ResultPlots {
  /// The `summary.csv` figures drawn for a sweep.
  public static let sweepFigures = [
    "drop_fraction", "mean_max_over_mean_load", "worst_max_over_mean_load", "total_params",
    "active_params",
  ]

  /// Further `summary.csv` figures drawn for a sweep when every point that ran has a value
  /// (step time and throughput need a cluster with a device and placement).
  public static let optionalSweepFigures = [
    "entropy_mean", "aux_loss_mean", "step_time_s", "tokens_per_s",
  ]

  /// Writes every chart whose CSV is in `folder`, and records them in its `manifest.csv`;
  /// returns the paths written.
  /// - Throws: `PlotError` when the folder holds none of the files, or a file lacks a column;
  ///   `OutputError` when a chart's file exists and MoESim did not write it, or writing fails.
  public static func write(folder: String) throws -> [String] {
    var charts: [(String, String)] = []
    let file = { (name: String) in URL(fileURLWithPath: folder).appendingPathComponent(name).path }
    let exists = { (name: String) in FileManager.default.fileExists(atPath: file(name)) }
    // A table with no rows (a dense model has no MoE layer to route) draws nothing.
    if exists("experts.csv") {
      let experts = try CSVTable(path: file("experts.csv"))
      if !experts.rows.isEmpty { charts.append(("load-heatmap.svg", try loadHeatmap(experts))) }
    }
    if exists("steps.csv") {
      let steps = try CSVTable(path: file("steps.csv"))
      if !steps.rows.isEmpty {
        charts.append(("imbalance.svg", try imbalance(steps)))
        charts.append(("drops.svg", try drops(steps)))
      }
    }
    if exists("memory.csv") {
      charts.append(("memory.svg", try memory(CSVTable(path: file("memory.csv")))))
    }
    if exists("sweep.csv") {
      let sweep = try CSVTable(path: file("sweep.csv"))
      let ran = pointsThatRan(sweep).rows
      let optional = optionalSweepFigures.filter { figure in
        guard let column = sweep.columns.firstIndex(of: figure) else { return false }
        return !ran.isEmpty && ran.allSatisfy { column < $0.count && !$0[column].isEmpty }
      }
      for figure in sweepFigures + optional {
        charts.append(("sweep-\(figure).svg", try sweepChart(sweep, figure: figure)))
      }
    }
    var variantFolders: [String] = []
    if exists("comparison.csv") {
      let comparison = try CSVTable(path: file("comparison.csv"))
      charts += try ComparisonPlots.charts(comparison)
      let variant = try comparison.index("variant")
      variantFolders = comparison.rows.map { file($0[variant]) }.filter { path in
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
          && isFolder.boolValue
      }
    }
    guard !charts.isEmpty || exists("experts.csv") || exists("steps.csv") else {
      throw PlotError(
        path: folder,
        detail: "holds none of experts.csv, steps.csv, memory.csv, sweep.csv, comparison.csv;"
          + " is it a MoESim results folder?")
    }
    // A chart file MoESim did not write (the user's own) is never overwritten; the charts
    // written are recorded in the folder's manifest, so a later run may replace them.
    for (name, _) in charts {
      try ResultManifest.checkReplaceable(
        name, in: folder, hint: "move it away or plot a copy of the folder")
    }
    let written = try charts.map { name, svg in
      try AtomicFile.write(svg, to: file(name))
      try ResultManifest.record(name, in: folder)
      return file(name)
    }
    return try written + variantFolders.flatMap { try write(folder: $0) }
  }

  /// The most layers (rows) and experts (columns) the heatmap draws: 256 × 256 cells keep the
  /// SVG under about 10 MB; a table with more draws the lowest ids and says so in the title.
  public static let heatmapLimit = 256

  /// `load_share` by layer (rows) × expert (columns), at most `limit` of each.
  static func loadHeatmap(_ table: CSVTable, limit: Int = heatmapLimit) throws -> String {
    let layers = try table.integers("layer")
    let experts = try table.integers("expert")
    let shares = try table.numbers("load_share")
    let allLayers = Array(Set(layers)).sorted()
    let allExperts = Array(Set(experts)).sorted()
    let layerIDs = Array(allLayers.prefix(limit))
    let expertIDs = Array(allExperts.prefix(limit))
    var shown: [String] = []
    if allLayers.count > layerIDs.count {
      shown.append("first \(layerIDs.count) of \(allLayers.count) layers")
    }
    if allExperts.count > expertIDs.count {
      shown.append("first \(expertIDs.count) of \(allExperts.count) experts")
    }
    let rowOf = Dictionary(uniqueKeysWithValues: layerIDs.enumerated().map { ($1, $0) })
    let columnOf = Dictionary(uniqueKeysWithValues: expertIDs.enumerated().map { ($1, $0) })
    var grid = [[Double]](
      repeating: [Double](repeating: 0, count: expertIDs.count), count: layerIDs.count)
    for (index, share) in shares.enumerated() {
      if let row = rowOf[layers[index]], let column = columnOf[experts[index]] {
        grid[row][column] = share
      }
    }
    let title =
      "Expert load share (1/E = balanced)"
      + (shown.isEmpty ? "" : " (\(shown.joined(separator: ", ")) shown)")
    return Charts.heatmap(
      title: title, xLabel: "expert", yLabel: "layer",
      rowLabels: layerIDs.map(String.init), columnLabels: expertIDs.map(String.init),
      values: grid, valueLabel: "share")
  }

  /// Per step, the mean and maximum over MoE layers of `max_over_mean_load`.
  static func imbalance(_ table: CSVTable) throws -> String {
    let grouped = try perStep(table, values: ["max_over_mean_load"])
    let steps = grouped.map(\.step)
    let mean = grouped.map { $0.values[0].reduce(0, +) / Double($0.values[0].count) }
    let maximum = grouped.map { $0.values[0].max() ?? 0 }
    return Charts.lines(
      title: "Load imbalance per step", xLabel: "step",
      yLabel: "max / mean expert load (1 = balanced)",
      series: [
        LineSeries(name: "mean over layers", xs: steps, ys: mean),
        LineSeries(name: "worst layer", xs: steps, ys: maximum),
      ])
  }

  /// Per step, dropped / (kept + dropped) assignments over all MoE layers.
  static func drops(_ table: CSVTable) throws -> String {
    let grouped = try perStep(table, values: ["assignments_kept", "assignments_dropped"])
    let fraction = grouped.map { group -> Double in
      let kept = group.values[0].reduce(0, +)
      let dropped = group.values[1].reduce(0, +)
      return kept + dropped > 0 ? dropped / (kept + dropped) : 0
    }
    return Charts.lines(
      title: "Dropped assignments per step", xLabel: "step",
      yLabel: "drop rate (dropped / routed assignments)",
      series: [LineSeries(name: "all MoE layers", xs: grouped.map(\.step), ys: fraction)])
  }

  /// Rows grouped by `step` in file order, with the listed columns' values of each group.
  static func perStep(_ table: CSVTable, values names: [String]) throws
    -> [(step: Double, values: [[Double]])]
  {
    let steps = try table.numbers("step")
    let columns = try names.map { try table.numbers($0) }
    var groups: [(step: Double, values: [[Double]])] = []
    for (row, step) in steps.enumerated() {
      if groups.last?.step != step {
        groups.append((step, [[Double]](repeating: [], count: names.count)))
      }
      for index in names.indices {
        groups[groups.count - 1].values[index].append(columns[index][row])
      }
    }
    return groups
  }

  /// GiB per device by kind (every kind but `total`), a bar per layout × stage.
  static func memory(_ table: CSVTable) throws -> String {
    let layout = try table.index("layout")
    let stage = try table.index("stage")
    let kind = try table.index("kind")
    let gib = try table.numbers("gib")
    var bars: [String] = []
    var kinds: [String] = []
    var values: [String: [String: Double]] = [:]
    for (index, row) in table.rows.enumerated() where row[kind] != "total" {
      let bar = "\(row[layout]) stage \(row[stage])"
      if values[bar] == nil { bars.append(bar) }
      if !kinds.contains(row[kind]) { kinds.append(row[kind]) }
      values[bar, default: [:]][row[kind]] = gib[index]
    }
    return Charts.stackedBars(
      title: "Memory per device by kind", yLabel: "GiB per device (2^30 bytes)", barLabels: bars,
      kinds: kinds, values: bars.map { bar in kinds.map { values[bar]?[$0] ?? 0 } })
  }

  /// `figure` against the first varied key (its values evenly spaced in grid order, each tick
  /// labelled by `SweepValueLabel`), a line per combination of the other varied keys. A key coupled to the first (`--zip`, `--points`:
  /// one value for each of its values) names no line; points marked `invalid` are left out.
  static func sweepChart(_ sweep: CSVTable, figure: String) throws -> String {
    let summaryStart = try sweep.index("scenario")
    guard summaryStart >= 2 else {
      throw PlotError(path: sweep.path, detail: "has no varied-key column before 'scenario'")
    }
    let table = pointsThatRan(sweep)
    let ys = try table.numbers(figure)
    let coupled = (2..<summaryStart).filter { column in
      var valueOf: [String: String] = [:]
      return table.rows.allSatisfy { row in
        let known = valueOf[row[1]] ?? row[column]
        valueOf[row[1]] = known
        return known == row[column]
      }
    }
    let free = (2..<summaryStart).filter { !coupled.contains($0) }
    var categories: [String] = []
    var seriesNames: [String] = []
    var points: [String: [(Double, Double)]] = [:]
    for (index, row) in table.rows.enumerated() {
      let xText = row[1]
      if !categories.contains(xText) { categories.append(xText) }
      let others = free.map { "\(table.columns[$0])=\(SweepValueLabel.label(row[$0]))" }
      let name = others.isEmpty ? figure : others.joined(separator: ", ")
      if points[name] == nil { seriesNames.append(name) }
      points[name, default: []].append(
        (Double(categories.firstIndex(of: xText) ?? 0), ys[index]))
    }
    let units = [
      "drop_fraction": " (fraction)", "entropy_mean": " (nats)", "step_time_s": " (s)",
      "tokens_per_s": " (tokens/s)",
    ]
    let unit = figure.hasSuffix("_params") ? " (parameters)" : units[figure] ?? " (ratio)"
    let coupledText =
      coupled.isEmpty
      ? ""
      : " (with " + coupled.map { table.columns[$0] }.joined(separator: ", ")
        + ")"
    return Charts.lines(
      title: "\(figure) against \(table.columns[1])\(coupledText)", xLabel: table.columns[1],
      yLabel: figure + unit,
      series: seriesNames.map { name in
        LineSeries(
          name: name, xs: points[name]?.map(\.0) ?? [], ys: points[name]?.map(\.1) ?? [])
      }, categories: categories.map { SweepValueLabel.label($0) })
  }

  /// The rows of a sweep table whose point ran (`point_status` is not `invalid`).
  static func pointsThatRan(_ sweep: CSVTable) -> CSVTable {
    let status = sweep.columns.firstIndex(of: "point_status")
    return CSVTable(
      columns: sweep.columns,
      rows: sweep.rows.filter { row in
        status.map { $0 >= row.count || row[$0] != "invalid" } ?? true
      },
      path: sweep.path)
  }
}
