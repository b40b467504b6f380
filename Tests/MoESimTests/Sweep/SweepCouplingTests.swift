import Foundation
import Testing

@testable import MoESim

/// Coupled axes (`--zip`, `--points`), object values merged key by key, and the derived
/// `keep_active` expert width.
@Suite struct SweepCouplingTests {
  @Test func zippedAxesTakeTheirValuesTogetherAndCrossTheOtherAxes() throws {
    let zipped = try SweepGroup(zipping: [
      SweepAxis(parsing: "model.moe.experts=8,16,32", option: "--zip"),
      SweepAxis(parsing: "model.moe.top_k=1,2,4", option: "--zip"),
    ])
    let plan = try SweepPlan(groups: [
      zipped, SweepGroup(zipping: [SweepAxis(parsing: "seed=1,2")]),
    ])
    // 3 zipped rows × 2 seeds, the zipped group slowest.
    #expect(
      plan.points.map(\.values) == [
        ["8", "1", "1"], ["8", "1", "2"], ["16", "2", "1"], ["16", "2", "2"], ["32", "4", "1"],
        ["32", "4", "2"],
      ])
    #expect(plan.axes.map(\.path) == ["model.moe.experts", "model.moe.top_k", "seed"])
  }

  @Test func zippedAxesOfDifferentLengthsNameBoth() {
    #expect {
      try SweepGroup(zipping: [
        SweepAxis(parsing: "model.moe.experts=8,16,32", option: "--zip"),
        SweepAxis(parsing: "model.moe.top_k=1,2", option: "--zip"),
      ])
    } throws: { error in
      let text = (error as? ScenarioError)?.description ?? ""
      return (error as? ScenarioError)?.isUsageError == true
        && text.hasPrefix("--zip model.moe.top_k=1,2")
        && text.contains("--zip model.moe.experts=8,16,32 (3)")
    }
  }

  @Test func anObjectValueBecomesOneOverridePerLeaf() throws {
    let axis = try SweepAxis(parsing: "model.moe={experts:16, top_k:4},{}")
    let leaves = try axis.overrides("{experts:16, top_k:4}")
    #expect(leaves.map(\.path) == ["model.moe.experts", "model.moe.top_k"])
    #expect(leaves.map(\.value) == [.integer(16), .integer(4)])
    #expect(try axis.overrides("{}").isEmpty)
    // Merged, not replaced: the quickstart's first_dense_layers = 1 and expert width survive.
    let plan = try SweepPlan(axes: [axis])
    let scenario = try plan.scenario(for: plan.points[0], load: SweepTests.load)
    #expect(scenario.model.moe?.experts == 16 && scenario.model.moe?.topK == 4)
    #expect(scenario.model.moe?.firstDenseLayers == 1)
    #expect(scenario.model.moe?.expertIntermediateSize == 1408)
  }

  /// ⌊k₀·I₀/k + 1/2⌋, at least 1, computed by hand.
  @Test(arguments: [
    (2, 1408, 2, 1408), (2, 1408, 3, 939),  // 2816 / 3 = 938.67
    (2, 1408, 8, 352), (3, 1000, 2, 1500), (1, 5, 2, 3),  // 2.5 rounds up
    (8, 1, 16, 1),  // 0.5 rounds up to 1
    (1, 1, 4, 1),  // 0.25 rounds to 0, raised to 1
  ])
  func keepActiveWidthRoundsToTheNearestIntegerHalvesUp(
    baseTopK: Int, baseWidth: Int, topK: Int, width: Int
  ) {
    #expect(
      SweepDerivedKey.keepActiveWidth(baseTopK: baseTopK, baseWidth: baseWidth, topK: topK) == width
    )
  }

  @Test func keepActiveHoldsTopKTimesWidthAtTheBaseValue() throws {
    let plan = try SweepPlan(groups: [
      SweepGroup(zipping: [
        SweepAxis(parsing: "model.moe.experts=16,48", option: "--zip"),
        SweepAxis(parsing: "model.moe.top_k=2,3", option: "--zip"),
      ]),
      SweepGroup(zipping: [SweepAxis(parsing: "model.moe.expert_intermediate_size=keep_active")]),
    ])
    // The base (the quickstart as SweepTests loads it) has top_k = 2, width 1408.
    let base = try SweepTests.load([])
    #expect(base.model.moe?.topK == 2 && base.model.moe?.expertIntermediateSize == 1408)
    let widths = try plan.points.map {
      try plan.scenario(for: $0, load: SweepTests.load).model.moe?.expertIntermediateSize
    }
    #expect(widths == [1408, 939])
    // Shared experts keep their width although it defaults to the routed experts'.
    let shared = try plan.scenario(for: plan.points[1]) {
      try SweepTests.load([try ScenarioOverride(parsing: "model.moe.shared_experts=1")] + $0)
    }
    #expect(shared.model.moe?.sharedExpertIntermediateSize == 1408)
    // A dense base has no width to keep: the error names the --vary argument.
    let alone = try SweepPlan(axes: [
      SweepAxis(parsing: "model.moe.expert_intermediate_size=keep_active")
    ])
    #expect {
      try alone.scenario(for: alone.points[0]) {
        try SweepTests.load([try ScenarioOverride(parsing: "model.moe=null")] + $0)
      }
    } throws: { error in
      (error as? ScenarioError)?.file.hasPrefix("--vary model.moe.expert_intermediate_size") == true
    }
  }

  @Test func aPointsFileIsOneCoupledGroup() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("points.csv").path
    try "model.moe.experts,cluster.layout\n8,\"{tp: 2}\"\n16,null\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let group = try SweepPointsFile.group(path: path)
    #expect(group.axes.map(\.path) == ["model.moe.experts", "cluster.layout"])
    #expect(group.axes[1].values == ["{tp: 2}", "null"])
    for (text, detail) in [
      ("a,a\n1,2\n", "appears twice"), ("a,b\n1\n", "row 2 has 1 fields"),
      ("a,b\n1, \n", "row 2, column b is empty"), ("a\n", "no row"),
    ] {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      #expect {
        try SweepPointsFile.group(path: path)
      } throws: { error in
        (error as? ScenarioError)?.description.contains(detail) == true
      }
    }
    #expect {
      try SweepPointsFile.group(path: folder.appendingPathComponent("missing.csv").path)
    } throws: { error in (error as? ScenarioError)?.isMissingInput == true }
  }
}
