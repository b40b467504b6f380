import Testing

@testable import MoESim

@Suite struct OverrideTests {
  @Test func overridesAnyKeyWithJSON5Values() throws {
    let scenario = try TestSupport.quickstart([
      "model.moe.experts=64", "model.moe.top_k=8", "router.capacity_factor=null",
      "router.kind=softmax_topk", "workload.steps=3", "seed=7",
    ])
    #expect(scenario.model.moe?.experts == 64)
    #expect(scenario.model.moe?.topK == 8)
    #expect(scenario.router.capacityFactor == nil)
    #expect(scenario.workload.steps == 3)
    #expect(scenario.seed == 7)
  }

  @Test func laterOverridesWin() throws {
    let scenario = try TestSupport.quickstart(["workload.steps=3", "workload.steps=5"])
    #expect(scenario.workload.steps == 5)
  }

  @Test(arguments: ["noequals", "=5", "a..b=1", ".a=1"])
  func malformedArgumentsAreUsageErrors(argument: String) throws {
    let error = try #require(throws: ScenarioError.self) {
      try ScenarioOverride(parsing: argument)
    }
    #expect(error.isUsageError)
    #expect(error.description.hasPrefix("--set"))
  }

  @Test func settingInsideANonObjectIsAUsageError() throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["seed.value=3"])
    }
    #expect(error.isUsageError)
    #expect(error.description == "--set seed.value=3: seed = 42 has the wrong type; expected an object to hold 'value'")
  }
}
