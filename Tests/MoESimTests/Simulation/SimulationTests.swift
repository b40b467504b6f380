import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct SimulationTests {
  /// A small run: 1000 tokens (three full blocks and a partial one), 3 steps.
  static let small = [
    "workload.tokens_per_step=1000", "workload.steps=3", "workload.sequence_length=100",
  ]

  func collect(_ scenario: Scenario, threads: Int = 2) throws -> ([LayerStepMetrics], RunTotals) {
    var rows: [LayerStepMetrics] = []
    let totals = try Simulation(scenario: scenario).run(threads: threads) { _, layers in
      rows += layers
    }
    return (rows, totals)
  }

  /// The run takes token tiles where the router can route them and nothing needs the rows: the
  /// quickstart's softmax router of 16 experts; not 17 experts, a sigmoid router, a selection
  /// bias, or a sequence aux loss (which keeps every token's distribution as a row).
  @Test(arguments: [
    ([String](), TokenTiles.Layout.tokenTiles), (["model.moe.experts=8"], .tokenTiles),
    (["model.moe.experts=17"], .rows), (["router.kind=sigmoid_topk"], .rows),
    (["router.bias_update_rate=0.001"], .rows), (["router.sequence_aux_loss=true"], .rows),
  ])
  func logitsLayoutFollowsTheRouter(overrides: [String], layout: TokenTiles.Layout) throws {
    let scenario = try TestSupport.quickstart(
      Self.small + ["workload.steps=1"] + overrides)
    #expect(try collect(scenario).1.logitsLayout == layout)
  }

  @Test(arguments: ["probs", "position"])
  func conservesAssignments(policy: String) throws {
    let scenario = try TestSupport.quickstart(Self.small + ["router.drop_policy=\(policy)"])
    let (rows, totals) = try collect(scenario)
    let k = scenario.model.moe!.topK
    #expect(rows.count == 3 * 7)
    for row in rows {
      #expect(row.assignmentsKept + row.assignmentsDropped == 1000 * k)
      #expect(row.load.maxOverMean >= 1)
      #expect(row.load.minimum <= row.load.mean && row.load.mean <= row.load.maximum)
      #expect(abs(row.load.mean - Double(1000 * k) / 16) < 1e-9)
      #expect(row.assignmentsKept <= row.capacity! * 16)
    }
    #expect(totals.keptPerExpert.reduce(0, +) == totals.assignmentsKept)
    #expect(totals.droppedPerExpert.reduce(0, +) == totals.assignmentsDropped)
    #expect(totals.tokens == 3000)
  }

  @Test func droplessDropsNothing() throws {
    let scenario = try TestSupport.quickstart(Self.small + ["router.capacity_factor=null"])
    let (rows, totals) = try collect(scenario)
    #expect(rows.allSatisfy { $0.assignmentsDropped == 0 && $0.capacity == nil })
    #expect(totals.dropFraction == 0)
  }

  @Test func reportsTheModelLayerIndexOfMoELayers() throws {
    // Quickstart: 8 layers, the first dense. With layer_interval 2: layers 1, 3, 5, 7.
    let scenario = try TestSupport.quickstart(Self.small + ["model.moe.layer_interval=2"])
    let (rows, totals) = try collect(scenario)
    #expect(totals.layers == [1, 3, 5, 7])
    #expect(rows.prefix(4).map(\.layer) == [1, 3, 5, 7])
  }

  @Test func balancedRouterGivesAuxLossNearOne() throws {
    // No domain offsets, no token embeddings dominating: pure noise hidden states and no bias
    // spread make every expert equally likely, so f_i ≈ P_i ≈ 1/E and the aux loss ≈ 1.
    let scenario = try TestSupport.quickstart(
      Self.small + [
        "workload.zipf_exponent=0", "workload.domain_offset_scale=0", "router.bias_spread=0",
        "workload.tokens_per_step=8192",
      ])
    let (rows, _) = try collect(scenario)
    for row in rows { #expect(abs(row.auxLoss - 1) < 0.05, "aux \(row.auxLoss)") }
  }

  @Test func biasSpreadRaisesImbalance() throws {
    let flat = try collect(try TestSupport.quickstart(Self.small + ["router.bias_spread=0"])).1
    let skewed = try collect(try TestSupport.quickstart(Self.small + ["router.bias_spread=2"])).1
    #expect(skewed.meanMaxOverMean > flat.meanMaxOverMean)
  }

  @Test func denseModelRoutesNothing() throws {
    let scenario = try TestSupport.scenario("llama3-8b-dense.json5", "workload.steps=2")
    let (rows, totals) = try collect(scenario)
    #expect(rows.isEmpty)
    #expect(totals.layers.isEmpty)
    #expect(totals.tokens == 2 * 4096)
  }
}
