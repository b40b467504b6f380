import Foundation
import Testing

@testable import MoESim

/// Work above the stated budgets is refused before it starts unless `--allow-large` is given.
@Suite struct WorkBudgetTests {
  let cli = CommandLineTests()

  @Test func decisionsCountWarmUpStepsTokensAndMoELayers() throws {
    let scenario = try TestSupport.quickstart([
      "workload.steps=10", "router.warmup_steps=5", "router.bias_update_rate=0.001",
    ])
    let layers = Double(scenario.model.moeLayerIndices.count)
    #expect(
      WorkBudget.routingDecisions(of: scenario)
        == 15 * Double(scenario.workload.tokensPerStep) * layers)
    // Without a balancing controller the warm-up is not routed, so it costs nothing.
    let idle = try TestSupport.quickstart(["workload.steps=10", "router.warmup_steps=5"])
    #expect(
      WorkBudget.routingDecisions(of: idle) == 10 * Double(idle.workload.tokensPerStep) * layers)
  }

  /// A warm-up step moves only the balancing controllers' state; without one, 10⁶ warm-up steps
  /// (the bound, which routed for minutes) give exactly the files of none, at once.
  @Test func warmUpWithoutAControllerIsSkipped() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var outputs: [[String]] = []
    for warmup in [0, ScenarioLimits.warmupSteps] {
      let scenario = try TestSupport.quickstart([
        "workload.steps=2", "workload.tokens_per_step=16", "model.layers=2",
        "router.warmup_steps=\(warmup)", "router.sequence_aux_loss=true",
      ])
      #expect(scenario.router.routedWarmupSteps == 0)
      let results = folder.appendingPathComponent("w\(warmup)")
      try RunWriter.run(scenario, folder: results.path, threads: 2)
      outputs.append(
        try ["steps.csv", "experts.csv", "summary.csv"].map {
          try String(contentsOf: results.appendingPathComponent($0), encoding: .utf8)
        })
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func placementBudgetIsLayersTimesSlotsSquared() {
    #expect(WorkBudget.placementRefusal(slots: 4096, layers: 4) == nil, "exactly 2^26")
    #expect(WorkBudget.placementRefusal(slots: 4104, layers: 4) != nil)
    #expect(WorkBudget.placementRefusal(slots: 1024, layers: 64) == nil)
    #expect(WorkBudget.placementRefusal(slots: 1032, layers: 64) != nil)
  }

  @Test func aRunAboveTheBudgetIsRefusedUnlessAllowed() throws {
    let refused = try cli.moesim(["run", "--out", "/nonexistent/never", "--set", "workload.steps=1e9"])
    #expect(refused.status == 65)
    #expect(
      refused.standardError.hasPrefix(
        "error: <built-in quickstart>: workload.steps = 1000000000 is out of range; allowed a run"
          + " of at most 1e+11 routing decisions"))
    #expect(refused.standardError.contains("pass --allow-large to run it anyway"))
    for command in ["sweep", "compare", "export-trace"] {
      let result = try cli.moesim([
        command, "--out", "/nonexistent/never", "--set", "workload.steps=1e9",
      ])
      #expect(result.status == 65, "\(command): \(result.standardError)")
      #expect(result.standardError.contains("--allow-large"), "\(command)")
    }
    // Allowed, the same run gets as far as the memory check, which still refuses it.
    let allowed = try cli.moesim([
      "run", "--allow-large", "--out", "/nonexistent/never", "--set", "workload.steps=1e9",
      "--set", "workload.router_dim=8192", "--set", "workload.tokens_per_step=16777216",
    ])
    #expect(allowed.status == 65)
    #expect(allowed.standardError.contains("workload.tokens_per_step = 16777216 is out of range"))
    // Accounting commands do no routing and take the flag without effect.
    #expect(try cli.moesim(["params", "--set", "workload.steps=1e9"]).status == 0)
  }

  @Test func placeAboveTheBudgetIsAUsageError() throws {
    let loads = TestSupport.packageRoot.appendingPathComponent(
      "Scenarios/traces/example-loads.csv")
    let result = try cli.moesim(["place", loads.path, "--devices", "8", "--slots", "10000"])
    #expect(result.status == 64)
    #expect(
      result.standardError.hasPrefix(
        "error: --slots 10000 on 4 layers is above the placement work budget"))
  }
}
