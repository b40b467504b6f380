import Testing

@testable import MoESim

/// Memory and time shard the weights by one rule (`WeightSharding`): in decode, where a step
/// reads every weight it holds once, the weight bytes the time model reads on a device equal the
/// weight bytes `memory.csv` puts on it — for MoE and dense models and several layouts.
@Suite struct WeightShardingTests {
  static let layouts = [
    "{tp: 2, ep: 2}", "{tp: 4, ep: 4}", "{tp: 4, ep: 2, expert_tp: 2}", "{tp: 2, ep: 2, pp: 2}",
    "{tp: 2, dp: 2, ep: 4}",
  ]

  /// Weight bytes on one device summed over the pipeline stages (the time model's device `d`
  /// stands for rank `d` of every stage), less the input embedding: a lookup reads `T` rows of
  /// it, not the table (the quickstart's head is untied, so the table is never read whole).
  static func heldBytes(_ scenario: Scenario) -> Double {
    let memory = DeviceMemory(scenario: scenario)
    let held = memory.stages.map { $0.bytes[.weights] ?? 0 }.reduce(0, +)
    let embedding = ParameterBreakdown(model: scenario.model).embedding
    #expect(!scenario.model.tiedEmbeddings)
    return held - embedding / Double(scenario.cluster.layout.tp) * scenario.precision.weightBytes
  }

  @Test(arguments: layouts, [0, 4])
  func moeDecodeReadsWhatMemoryHolds(layout: String, redundantSlots: Int) throws {
    let scenario = try TestSupport.quickstart([
      "workload.steps=1", "workload.tokens_per_step=1024", "router.capacity_factor=null",
      "router.bias_spread=0",
      "cluster.layout=\(layout)", "cluster.device=h100-sxm", "cluster.cost.mode=decode",
      "cluster.placement={redundant_slots: \(redundantSlots)}",
    ])
    let model = try #require(CostModel(scenario: scenario))
    var steps: [ClusterStep] = []
    _ = try Simulation(scenario: scenario).run(threads: 1) { step, layers in
      if let cluster = ClusterStep(step: step, layers: layers, model: model) {
        steps.append(cluster)
      }
    }
    let step = try #require(steps.first)
    // A decode step reads every slot its tokens touch: all the device holds but the weights of
    // slots no token reached (7 MoE layers of 16 + r slots over ep; an expert of the
    // quickstart is 3 · 1024 · 1408 parameters, split over expert_tp, 2 bytes each).
    let layout = scenario.cluster.layout
    let slotsPerDevice = (16 + redundantSlots) / layout.ep
    let slotBytes = 3.0 * 1024 * 1408 / Double(layout.expertTP) * 2
    #expect(step.devices.count == layout.ep)
    for device in step.devices {
      let untouched = Double(7 * slotsPerDevice - device.slotsTouched)
      #expect(untouched < 3)  // 1,024 tokens × top-2 reach nearly every slot
      let expected = Self.heldBytes(scenario) - untouched * slotBytes
      #expect(abs(device.weightBytes - expected) <= 1e-9 * expected)
    }
  }

  @Test(arguments: layouts)
  func denseDecodeReadsWhatMemoryHolds(layout: String) throws {
    let moe = try TestSupport.quickstart([
      "workload.tokens_per_step=64", "cluster.layout=\(layout)", "cluster.device=h100-sxm",
      "cluster.cost.mode=decode", "cluster.placement={}",
    ])
    let dense = DenseCounterpart.derive(from: moe, match: .active).scenario
    let model = try #require(CostModel(scenario: dense))
    let step = ClusterStep(step: 0, tokens: 64, model: model)
    let expected = Self.heldBytes(dense)
    #expect(abs(step.devices[0].weightBytes - expected) <= 1e-9 * expected)
  }

  @Test func theRuleItself() {
    // 16 experts + 4 redundant slots over ep 8: ceil(20 / 8) = 3 slots, each expert / expert_tp.
    let block = BlockParameters(
      attention: 800, norms: 10, denseFFN: 0, sharedExperts: 400, router: 16, routedExperts: 16,
      activeExperts: 2, expertParameters: 300)
    let sharding = WeightSharding(
      layout: ParallelLayout(tp: 4, ep: 8, expertTP: 2, dp: 4), redundantExpertSlots: 4)
    #expect(sharding.expertSlotsPerDevice(block) == 3)
    #expect(sharding.parametersPerExpertSlot(block) == 150)
    #expect(sharding.routedExpertParameters(block) == 450)
    let nonExpert: Double = 200 + 100 + 10 + 16  // (800 + 400) / tp + norms + router
    #expect(sharding.nonExpertParameters(block) == nonExpert)
  }
}
