import Foundation
import Testing

@testable import MoESim

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects every element's name and attributes; fails on malformed XML.
final class ElementCollector: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    elements.append((elementName, attributes))
  }

  /// Parses the SVG at `path`; nil when it is not well-formed XML.
  static func parse(_ path: String) throws -> [(name: String, attributes: [String: String])]? {
    let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
    let collector = ElementCollector()
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
  }
}

/// `moesim plot`: well-formed SVG whose marks carry exactly the CSV's numbers.
@Suite struct ResultPlotsTests {
  static func numbers(_ text: String?) -> [Double] {
    (text ?? "").split(separator: " ").compactMap { Double($0) }
  }

  @Test func chartsAreWellFormedAndCarryTheCSVNumbers() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let scenario = try TestSupport.quickstart([
      "workload.steps=3", "workload.tokens_per_step=64", "model.layers=3",
    ])
    try RunWriter.run(scenario, folder: root.path, threads: 1)
    let written = try ResultPlots.write(folder: root.path)
    #expect(written.count == 4)
    var svg: [String: [(name: String, attributes: [String: String])]] = [:]
    for path in written {
      let elements = try ElementCollector.parse(path)
      #expect(elements != nil, "\(path) is not well-formed XML")
      #expect(elements?.first?.name == "svg")
      svg[URL(fileURLWithPath: path).lastPathComponent] = elements ?? []
    }

    // Heatmap: one cell per experts.csv row, value = load_share of that (layer, expert).
    let experts = try TestSupport.readCSV(root.appendingPathComponent("experts.csv"))
    let cells = (svg["load-heatmap.svg"] ?? []).filter { $0.attributes["data-value"] != nil }
    #expect(cells.count == experts.count - 1)
    for row in experts.dropFirst() {
      let cell = cells.first {
        $0.attributes["data-row"] == row[0] && $0.attributes["data-column"] == row[1]
      }
      #expect(cell?.attributes["data-value"].flatMap(Double.init) == Double(row[5]))
    }

    // Imbalance and drops, recomputed from steps.csv independently of the plotting code.
    let steps = try TestSupport.readCSV(root.appendingPathComponent("steps.csv")).dropFirst()
    var mean: [Double] = []
    var worst: [Double] = []
    var dropRate: [Double] = []
    for step in 0..<3 {
      let rows = steps.filter { $0[0] == String(step) }
      let loads = rows.compactMap { Double($0[6]) }
      mean.append(loads.reduce(0, +) / Double(loads.count))
      worst.append(loads.max() ?? -1)
      let kept = rows.compactMap { Double($0[4]) }.reduce(0, +)
      let dropped = rows.compactMap { Double($0[5]) }.reduce(0, +)
      dropRate.append(dropped / (kept + dropped))
    }
    let lines = { (file: String, series: String) in
      (svg[file] ?? []).first { $0.attributes["data-series"] == series }?.attributes
    }
    #expect(Self.numbers(lines("imbalance.svg", "mean over layers")?["data-x"]) == [0, 1, 2])
    #expect(Self.numbers(lines("imbalance.svg", "mean over layers")?["data-y"]) == mean)
    #expect(Self.numbers(lines("imbalance.svg", "worst layer")?["data-y"]) == worst)
    #expect(Self.numbers(lines("drops.svg", "all MoE layers")?["data-y"]) == dropRate)

    // Memory: one segment per memory.csv row other than `total`, value = gib.
    let memory = try TestSupport.readCSV(root.appendingPathComponent("memory.csv")).dropFirst()
    let segments = (svg["memory.svg"] ?? []).filter { $0.attributes["data-kind"] != nil }
    let parts = memory.filter { $0[10] != "total" }
    #expect(segments.count == parts.count && !parts.isEmpty)
    for row in parts {
      let segment = segments.first {
        $0.attributes["data-bar"] == "\(row[0]) stage \(row[7])"
          && $0.attributes["data-kind"] == row[10]
      }
      #expect(segment?.attributes["data-value"].flatMap(Double.init) == Double(row[12]))
    }

    // A results folder with charts in it is still MoESim's, so a later run replaces it.
    #expect(ResultManifest.foreignEntry(in: root.path) == nil)
    try RunWriter.run(scenario, folder: root.path, threads: 1)
    #expect(!FileManager.default.fileExists(atPath: written[0]))
  }

  @Test func sweepChartsPlotEachFigureAgainstTheFirstKey() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    // A hand-written sweep table: two keys, 2 × 2 points; the name is quoted as CSV allows.
    let table = """
      point,model.moe.experts,model.moe.top_k,scenario,drop_fraction,mean_max_over_mean_load,\
      worst_max_over_mean_load,total_params,active_params
      0,8,1,"a,b",0.5,2,3,100,10
      1,8,2,"a,b",0.25,1.5,2,100,20
      2,16,1,"a,b",0.125,4,5,200,10
      3,16,2,"a,b",0.0625,3,4,200,20

      """
    try table.write(to: root.appendingPathComponent("sweep.csv"), atomically: true, encoding: .utf8)
    let written = try ResultPlots.write(folder: root.path)
    #expect(written.count == ResultPlots.sweepFigures.count)
    let drops = try #require(try ElementCollector.parse(root.path + "/sweep-drop_fraction.svg"))
    let topK1 = drops.first { $0.attributes["data-series"] == "model.moe.top_k=1" }
    let topK2 = drops.first { $0.attributes["data-series"] == "model.moe.top_k=2" }
    // x is the position of experts = 8, 16 in grid order.
    #expect(Self.numbers(topK1?.attributes["data-x"]) == [0, 1])
    #expect(Self.numbers(topK1?.attributes["data-y"]) == [0.5, 0.125])
    #expect(Self.numbers(topK2?.attributes["data-y"]) == [0.25, 0.0625])
  }

  @Test func sweepChartsLeaveOutInvalidPointsAndNameNoLineForCoupledKeys() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    // experts and top_k zipped, crossed with two seeds; point 3 invalid; step_time_s empty in
    // every row, entropy_mean filled in every valid row.
    let table = """
      point,model.moe.experts,model.moe.top_k,seed,scenario,drop_fraction,\
      mean_max_over_mean_load,worst_max_over_mean_load,total_params,active_params,entropy_mean,\
      step_time_s,point_status,point_error
      0,8,1,1,a,0.5,2,3,100,10,1.5,,ok,
      1,8,1,2,a,0.25,2,3,100,10,1.25,,ok,
      2,16,2,1,a,0.125,2,3,100,10,2.5,,ok,
      3,16,2,2,a,,,,,,,,invalid,"bad, really"

      """
    try table.write(to: root.appendingPathComponent("sweep.csv"), atomically: true, encoding: .utf8)
    let written = try ResultPlots.write(folder: root.path).map {
      URL(fileURLWithPath: $0).lastPathComponent
    }
    #expect(written.contains("sweep-entropy_mean.svg"))
    #expect(!written.contains("sweep-step_time_s.svg"))
    #expect(written.count == ResultPlots.sweepFigures.count + 1)
    let drops = try #require(try ElementCollector.parse(root.path + "/sweep-drop_fraction.svg"))
    let series = Set(drops.compactMap { $0.attributes["data-series"] })
    #expect(series == ["seed=1", "seed=2"])
    let seed2 = drops.first { $0.attributes["data-series"] == "seed=2" }
    #expect(Self.numbers(seed2?.attributes["data-y"]) == [0.25])
  }

  @Test func csvFieldsWithQuotesAndTicksAtNiceSteps() {
    #expect(CSVTable.parse("a,\"b,\"\"c\"\"\"\n1,2\n") == [["a", "b,\"c\""], ["1", "2"]])
    // 0...0.93 in about 5 ticks: step 0.2 (the first of 1, 2, 5 × 10^-1 ≥ 0.186).
    let ticks = SVGDocument.ticks(low: 0, high: 0.93)
    #expect(ticks.low == 0 && abs(ticks.high - 1) < 1e-12 && ticks.ticks.count == 6)
    #expect(SVGDocument.label(1_064_289_280) == "1.064G")
    #expect(SVGDocument.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
  }

  /// More distinct layers and experts than the cap: the heatmap draws the lowest ids only and
  /// says so (a 300 KB experts.csv of 20 000 pairs once needed a 4·10⁸-cell grid and 5.7 GB).
  @Test func theHeatmapDrawsAtMostLimitLayersAndExperts() throws {
    var table = CSVTable(columns: ["layer", "expert", "load_share"], rows: [])
    // Five pairs on the diagonal, limit 3: cells for layers 0...2 × experts 0...2 only.
    table.rows = (0..<5).map { ["\($0)", "\($0)", "0.5"] }
    let svg = try ResultPlots.loadHeatmap(table, limit: 3)
    #expect(svg.contains("(first 3 of 5 layers, first 3 of 5 experts shown)"))
    #expect(svg.components(separatedBy: " data-value=").count - 1 == 3 * 3)
    let uncut = try ResultPlots.loadHeatmap(table, limit: 5)
    #expect(!uncut.contains("shown)"))
    #expect(uncut.components(separatedBy: " data-value=").count - 1 == 5 * 5)
  }

  @Test func aFolderWithoutCSVsIsRefused() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(throws: PlotError.self) { try ResultPlots.write(folder: root.path) }
  }
}
