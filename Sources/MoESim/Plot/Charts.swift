import Foundation

/// One line of a line chart.
struct LineSeries {
  var name: String
  var xs: [Double]
  var ys: [Double]
}

/// The three chart kinds MoESim draws. Every data mark carries its value in a `data-value` (or
/// `data-x`/`data-y`) attribute, exactly as in the CSV, so that a script or a test can read the
/// numbers back, and a `<title>` tooltip for people.
enum Charts {
  typealias Doc = SVGDocument

  /// Lines over a numeric x axis, or over `categories` (x = 0, 1, 2, … evenly spaced).
  static func lines(
    title: String, xLabel: String, yLabel: String, series: [LineSeries],
    categories: [String]? = nil
  ) -> String {
    var doc = Doc(title: title)
    let allX = series.flatMap(\.xs)
    let allY = series.flatMap(\.ys)
    let xRange: (low: Double, high: Double, ticks: [Double])
    if let categories {
      let last = Double(max(1, categories.count - 1))
      xRange = (-0.05 * last, last * 1.05, categories.indices.map(Double.init))
    } else {
      xRange = Doc.ticks(low: allX.min() ?? 0, high: allX.max() ?? 1)
    }
    let yRange = Doc.ticks(low: min(0, allY.min() ?? 0), high: allY.max() ?? 1)
    let px = { (x: Double) in
      Doc.plotLeft + (x - xRange.low) / (xRange.high - xRange.low) * (Doc.plotRight - Doc.plotLeft)
    }
    let py = { (y: Double) in
      Doc.plotBottom - (y - yRange.low) / (yRange.high - yRange.low)
        * (Doc.plotBottom - Doc.plotTop)
    }
    axes(&doc, xLabel: xLabel, yLabel: yLabel)
    for tick in yRange.ticks {
      doc.add(
        "<line x1=\"\(Doc.f(Doc.plotLeft))\" x2=\"\(Doc.f(Doc.plotRight))\""
          + " y1=\"\(Doc.f(py(tick)))\" y2=\"\(Doc.f(py(tick)))\" stroke=\"#ddd\"/>")
      doc.text(Doc.label(tick), x: Doc.plotLeft - 6, y: py(tick) + 4, anchor: "end")
    }
    for (index, tick) in xRange.ticks.enumerated() {
      let text = categories.map { $0[index] } ?? Doc.label(tick)
      doc.add(
        "<line x1=\"\(Doc.f(px(tick)))\" x2=\"\(Doc.f(px(tick)))\""
          + " y1=\"\(Doc.f(Doc.plotBottom))\" y2=\"\(Doc.f(Doc.plotBottom + 5))\""
          + " stroke=\"black\"/>"
      )
      doc.text(text, x: px(tick), y: Doc.plotBottom + 18, anchor: "middle")
    }
    for (index, line) in series.enumerated() {
      let colour = Doc.palette[index % Doc.palette.count]
      let points = zip(line.xs, line.ys).map { "\(Doc.f(px($0))),\(Doc.f(py($1)))" }
      doc.add(
        "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
          + " data-series=\"\(Doc.escape(line.name))\""
          + " data-x=\"\(line.xs.map(Doc.value).joined(separator: " "))\""
          + " data-y=\"\(line.ys.map(Doc.value).joined(separator: " "))\""
          + " points=\"\(points.joined(separator: " "))\"/>")
      if line.xs.count <= 64 {
        for (x, y) in zip(line.xs, line.ys) {
          doc.add(
            "<circle cx=\"\(Doc.f(px(x)))\" cy=\"\(Doc.f(py(y)))\" r=\"3\" fill=\"\(colour)\">"
              + "<title>\(Doc.escape(line.name)): \(Doc.value(y))</title></circle>")
        }
      }
      legend(&doc, index: index, name: line.name, colour: colour)
    }
    return doc.rendered
  }

  /// A grid of cells coloured by value (white = 0 to dark blue = the maximum), rows top to
  /// bottom, with a colour bar as legend.
  static func heatmap(
    title: String, xLabel: String, yLabel: String, rowLabels: [String], columnLabels: [String],
    values: [[Double]], valueLabel: String
  ) -> String {
    var doc = Doc(title: title)
    let maximum = max(values.flatMap { $0 }.max() ?? 1, Double.leastNonzeroMagnitude)
    let cellWidth = (Doc.plotRight - Doc.plotLeft) / Double(max(1, columnLabels.count))
    let cellHeight = (Doc.plotBottom - Doc.plotTop) / Double(max(1, rowLabels.count))
    for (row, rowValues) in values.enumerated() {
      for (column, value) in rowValues.enumerated() {
        let x = Doc.plotLeft + Double(column) * cellWidth
        let y = Doc.plotTop + Double(row) * cellHeight
        doc.add(
          "<rect x=\"\(Doc.f(x))\" y=\"\(Doc.f(y))\" width=\"\(Doc.f(cellWidth))\""
            + " height=\"\(Doc.f(cellHeight))\" fill=\"\(colour(value / maximum))\""
            + " data-row=\"\(Doc.escape(rowLabels[row]))\""
            + " data-column=\"\(Doc.escape(columnLabels[column]))\""
            + " data-value=\"\(Doc.value(value))\"><title>\(Doc.escape(yLabel))"
            + " \(Doc.escape(rowLabels[row])), \(Doc.escape(xLabel))"
            + " \(Doc.escape(columnLabels[column])): \(Doc.value(value))</title></rect>")
      }
    }
    axes(&doc, xLabel: xLabel, yLabel: yLabel)
    let rowStride = max(1, rowLabels.count / 16)
    let columnStride = max(1, columnLabels.count / 16)
    for row in stride(from: 0, to: rowLabels.count, by: rowStride) {
      let y = Doc.plotTop + (Double(row) + 0.5) * cellHeight
      doc.text(rowLabels[row], x: Doc.plotLeft - 6, y: y + 4, anchor: "end")
    }
    for column in stride(from: 0, to: columnLabels.count, by: columnStride) {
      let x = Doc.plotLeft + (Double(column) + 0.5) * cellWidth
      doc.text(columnLabels[column], x: x, y: Doc.plotBottom + 18, anchor: "middle")
    }
    // Colour bar: 0 at the bottom, the maximum at the top.
    let barX = Doc.plotRight + 30
    for step in 0..<20 {
      let y = Doc.plotBottom - Double(step + 1) * (Doc.plotBottom - Doc.plotTop) / 20
      doc.add(
        "<rect x=\"\(Doc.f(barX))\" y=\"\(Doc.f(y))\" width=\"20\""
          + " height=\"\(Doc.f((Doc.plotBottom - Doc.plotTop) / 20 + 0.5))\""
          + " fill=\"\(colour((Double(step) + 0.5) / 20))\"/>")
    }
    doc.text("0", x: barX + 26, y: Doc.plotBottom + 4)
    doc.text(Doc.label(maximum), x: barX + 26, y: Doc.plotTop + 4)
    doc.text(valueLabel, x: barX + 10, y: Doc.plotTop - 10, anchor: "middle")
    return doc.rendered
  }

  /// Bars of stacked segments: `bars[i]` has one value per `kinds` entry.
  static func stackedBars(
    title: String, yLabel: String, barLabels: [String], kinds: [String], values: [[Double]]
  ) -> String {
    var doc = Doc(title: title)
    let totals = values.map { $0.reduce(0, +) }
    let yRange = Doc.ticks(low: 0, high: totals.max() ?? 1)
    let py = { (y: Double) in
      Doc.plotBottom - (y - yRange.low) / (yRange.high - yRange.low)
        * (Doc.plotBottom - Doc.plotTop)
    }
    axes(&doc, xLabel: "", yLabel: yLabel)
    for tick in yRange.ticks {
      doc.add(
        "<line x1=\"\(Doc.f(Doc.plotLeft))\" x2=\"\(Doc.f(Doc.plotRight))\""
          + " y1=\"\(Doc.f(py(tick)))\" y2=\"\(Doc.f(py(tick)))\" stroke=\"#ddd\"/>")
      doc.text(Doc.label(tick), x: Doc.plotLeft - 6, y: py(tick) + 4, anchor: "end")
    }
    let slot = (Doc.plotRight - Doc.plotLeft) / Double(max(1, barLabels.count))
    for (bar, segments) in values.enumerated() {
      var base = 0.0
      let x = Doc.plotLeft + Double(bar) * slot + slot * 0.2
      for (kind, value) in segments.enumerated() {
        doc.add(
          "<rect x=\"\(Doc.f(x))\" y=\"\(Doc.f(py(base + value)))\" width=\"\(Doc.f(slot * 0.6))\""
            + " height=\"\(Doc.f(py(base) - py(base + value)))\""
            + " fill=\"\(Doc.palette[kind % Doc.palette.count])\""
            + " data-bar=\"\(Doc.escape(barLabels[bar]))\" data-kind=\"\(Doc.escape(kinds[kind]))\""
            + " data-value=\"\(Doc.value(value))\"><title>\(Doc.escape(barLabels[bar])),"
            + " \(Doc.escape(kinds[kind])): \(Doc.value(value))</title></rect>")
        base += value
      }
      doc.text(barLabels[bar], x: x + slot * 0.3, y: Doc.plotBottom + 18, anchor: "middle")
    }
    for (index, kind) in kinds.enumerated() {
      legend(&doc, index: index, name: kind, colour: Doc.palette[index % Doc.palette.count])
    }
    return doc.rendered
  }

  /// The frame of the plot area and the axis labels.
  static func axes(_ doc: inout Doc, xLabel: String, yLabel: String) {
    doc.add(
      "<rect x=\"\(Doc.f(Doc.plotLeft))\" y=\"\(Doc.f(Doc.plotTop))\""
        + " width=\"\(Doc.f(Doc.plotRight - Doc.plotLeft))\""
        + " height=\"\(Doc.f(Doc.plotBottom - Doc.plotTop))\" fill=\"none\" stroke=\"black\"/>")
    doc.text(
      xLabel, x: (Doc.plotLeft + Doc.plotRight) / 2, y: Doc.plotBottom + 42, anchor: "middle")
    doc.text(
      yLabel, x: 22, y: (Doc.plotTop + Doc.plotBottom) / 2, anchor: "middle", rotate: true)
  }

  static func legend(_ doc: inout Doc, index: Int, name: String, colour: String) {
    let y = Doc.plotTop + 10 + Double(index) * 20
    doc.add(
      "<rect x=\"\(Doc.f(Doc.plotRight + 20))\" y=\"\(Doc.f(y - 9))\" width=\"14\" height=\"10\""
        + " fill=\"\(colour)\"/>")
    doc.text(name, x: Doc.plotRight + 40, y: y)
  }

  /// White (0) to dark blue (1), linear in each RGB channel.
  static func colour(_ fraction: Double) -> String {
    let t = min(1, max(0, fraction.isFinite ? fraction : 0))
    let channel = { (from: Double, to: Double) in Int((from + (to - from) * t).rounded()) }
    return String(
      format: "#%02X%02X%02X", channel(255, 8), channel(255, 48), channel(255, 107))
  }
}
