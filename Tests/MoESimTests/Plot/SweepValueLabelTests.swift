import Foundation
import Testing

@testable import MoESim

/// Short labels for object values on the sweep charts.
@Suite struct SweepValueLabelTests {
  @Test func anObjectReadsAsItsFieldsInTheOrderWritten() {
    #expect(SweepValueLabel.label("{experts:8,top_k:2}") == "experts=8 top_k=2")
    #expect(SweepValueLabel.label("{ top_k: 2, \"experts\": 64 }") == "top_k=2 experts=64")
    #expect(SweepValueLabel.label("{kind:'sigmoid_topk'}") == "kind=sigmoid_topk")
    // Anything else is its text; `{}` stays `{}`.
    #expect(SweepValueLabel.label("1.25") == "1.25")
    #expect(SweepValueLabel.label("null") == "null")
    #expect(SweepValueLabel.label("{}") == "{}")
  }

  @Test func aLongLabelIsCutToTheLimitWithAnEllipsis() {
    let label = SweepValueLabel.label(
      "{experts:256,top_k:8,shared_experts:1,expert_intermediate_size:2048}")
    #expect(label.count == SweepValueLabel.maximumCharacters)
    #expect(label == "experts=256 top_k=8 sha…")
    #expect(SweepValueLabel.label("abcdef", maximumCharacters: 4) == "abc…")
  }

  @Test func theSweepChartLabelsObjectTicksAndLinesShortly() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let table = """
      point,model.moe,seed,scenario,drop_fraction,mean_max_over_mean_load,\
      worst_max_over_mean_load,total_params,active_params
      0,"{experts:8,top_k:2}",1,a,0.5,2,3,100,10
      1,"{experts:64,top_k:8}",1,a,0.25,1.5,2,200,20

      """
    try table.write(to: root.appendingPathComponent("sweep.csv"), atomically: true, encoding: .utf8)
    _ = try ResultPlots.write(folder: root.path)
    let svg = try String(
      contentsOf: root.appendingPathComponent("sweep-drop_fraction.svg"), encoding: .utf8)
    #expect(svg.contains(">experts=8 top_k=2<"))
    #expect(svg.contains(">experts=64 top_k=8<"))
    #expect(!svg.contains("{experts"))
    // The data marks still carry the numbers of the CSV (seed has one value: no line name).
    let drops = try #require(try ElementCollector.parse(root.path + "/sweep-drop_fraction.svg"))
    let line = drops.first { $0.attributes["data-series"] == "drop_fraction" }
    #expect(ResultPlotsTests.numbers(line?.attributes["data-y"]) == [0.5, 0.25])
  }

  @Test func aLineOfAnObjectValueIsNamedByItsShortLabel() throws {
    let root = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let table = """
      point,seed,model.moe,scenario,drop_fraction,mean_max_over_mean_load,\
      worst_max_over_mean_load,total_params,active_params
      0,1,"{experts:8,top_k:2}",a,0.5,2,3,100,10
      1,1,"{experts:64,top_k:8}",a,0.25,1.5,2,200,20
      2,2,"{experts:8,top_k:2}",a,0.125,2,3,100,10
      3,2,"{experts:64,top_k:8}",a,0.0625,1.5,2,200,20

      """
    try table.write(to: root.appendingPathComponent("sweep.csv"), atomically: true, encoding: .utf8)
    _ = try ResultPlots.write(folder: root.path)
    let drops = try #require(try ElementCollector.parse(root.path + "/sweep-drop_fraction.svg"))
    let series = Set(drops.compactMap { $0.attributes["data-series"] })
    #expect(series == ["model.moe=experts=8 top_k=2", "model.moe=experts=64 top_k=8"])
    let line = drops.first { $0.attributes["data-series"] == "model.moe=experts=64 top_k=8" }
    #expect(ResultPlotsTests.numbers(line?.attributes["data-y"]) == [0.25, 0.0625])
  }
}
