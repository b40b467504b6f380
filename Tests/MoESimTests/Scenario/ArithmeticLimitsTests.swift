import Foundation
import Testing

@testable import MoESim

/// The float knobs bounded by what 32-bit routing arithmetic carries (`ArithmeticLimits`): at
/// the bound a run finishes with every figure finite; just above it the scenario is refused.
@Suite struct ArithmeticLimitsTests {
  /// Each knob at its bound (1e6, derived in `ArithmeticLimits`), with the router settings that
  /// make it act: a capacity factor so that dropped gate mass is computed, 40 steps so that the
  /// aux-bias correction accumulates.
  static let knobs: [(key: String, extra: [String])] = [
    ("router.aux_bias_coeff", []),
    ("router.noise_std", ["router.kind=noisy_topk"]),
    ("router.routed_scaling_factor", []),
    ("router.routed_scaling_factor", ["router.kind=sigmoid_topk"]),
    ("router.routed_scaling_factor", ["router.score_order=topk_then_softmax"]),
    // 1e308 was infinite as a 32-bit float: steps.csv's bias columns read `inf`.
    ("router.bias_update_rate", []),
  ]

  static func scenario(_ key: String, _ value: Double, _ extra: [String]) throws -> Scenario {
    try TestSupport.quickstart(
      [
        "workload.steps=40", "workload.tokens_per_step=32", "workload.sequence_length=16",
        "model.layers=3", "router.capacity_factor=1.0", "\(key)=\(value)",
      ] + extra)
  }

  @Test(arguments: knobs)
  func atTheBoundEveryFigureIsFinite(knob: (key: String, extra: [String])) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = folder.appendingPathComponent("r")
    try RunWriter.run(
      try Self.scenario(knob.key, 1e6, knob.extra), folder: results.path, threads: 1)
    // Before the bound, 3e38 here wrote `nan` into steps.csv and 1e50 trapped.
    for name in ["steps.csv", "experts.csv", "summary.csv"] {
      let cells = try TestSupport.readCSV(results.appendingPathComponent(name)).joined()
      #expect(!cells.contains { ["nan", "inf", "-inf"].contains($0) }, "\(name) \(knob)")
    }
  }

  @Test(arguments: knobs)
  func justAboveTheBoundIsRefusedNamingTheKey(knob: (key: String, extra: [String])) throws {
    let above = (1e6 as Double).nextUp
    let error = try #require(throws: ScenarioError.self) {
      try Self.scenario(knob.key, above, knob.extra)
    }
    #expect(error.path == knob.key)
    #expect(error.description.contains("allowed a number in"))
  }

  /// `noise_std` is read only by `noisy_topk`; other routers ignore it, so it is not bounded
  /// there.
  @Test func noiseStdIsBoundedOnlyWhereItIsUsed() throws {
    #expect(throws: Never.self) { try Self.scenario("router.noise_std", 1e300, []) }
  }

  /// 2^53 parameters is the largest exact count; a quickstart with 10⁹-wide blocks (2.5e19
  /// parameters in 10 layers) is refused rather than printed rounded.
  @Test func parameterCountsBeyond2To53AreRefused() throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["model.hidden_size=1e9", "model.layers=10"])
    }
    #expect(error.path == "model")
    #expect("\(error)".contains("model = 2.5e+19 parameters is out of range"), "\(error)")
    let largest = try TestSupport.quickstart(["model.hidden_size=65536", "model.layers=1000"])
    #expect(ParameterCount(model: largest.model).totalWithExtras <= ArithmeticLimits.parameters)
  }

  /// Accounting knobs bounded so that bytes and FLOPs stay finite: device memory in GiB (× 2³⁰
  /// bytes; 1.5e308 GiB wrote `capacity_gib = inf` into memory.csv) and training tokens (× FLOPs
  /// per token; 1.8e308 wrote `inf` into compute.csv).
  static let accountingBounds: [(key: String, bound: Double, extra: [String])] = [
    ("cluster.device_memory_gib", ArithmeticLimits.deviceMemoryGiB, []),
    ("compute.training_tokens", ArithmeticLimits.trainingTokens, []),
    ("cluster.device.memory_gb", ArithmeticLimits.deviceMemoryGiB, ["cluster.device=h100-sxm"]),
  ]

  static func accountingScenario(_ key: String, _ value: Double, _ extra: [String]) throws
    -> Scenario
  {
    // An inline device: the catalog's H100 with `memory_gb` replaced.
    let device =
      key == "cluster.device.memory_gb"
      ? [
        "cluster.device={memory_gb: \(value), hbm_bandwidth_gbps: 3350, bf16_tflops: 989,"
          + " intra_node_bandwidth_gbps: 450, inter_node_bandwidth_gbps: 50}"
      ] : ["\(key)=\(value)"]
    return try TestSupport.quickstart(
      ["workload.steps=2", "workload.tokens_per_step=32", "model.layers=2"] + device)
  }

  @Test(arguments: accountingBounds)
  func accountingAtTheBoundIsFiniteAndAboveIsRefused(
    knob: (key: String, bound: Double, extra: [String])
  ) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = folder.appendingPathComponent("r")
    try RunWriter.run(
      try Self.accountingScenario(knob.key, knob.bound, knob.extra), folder: results.path,
      threads: 1)
    for name in ["memory.csv", "compute.csv", "summary.csv", "params.csv"] {
      let cells = try TestSupport.readCSV(results.appendingPathComponent(name)).joined()
      #expect(!cells.contains { ["nan", "inf", "-inf"].contains($0) }, "\(name) \(knob.key)")
    }
    let error = try #require(throws: ScenarioError.self) {
      try Self.accountingScenario(knob.key, knob.bound.nextUp, knob.extra)
    }
    #expect(error.path == knob.key)
  }

  /// The quickstart on two devices with a placement (so that step times are computed), on an
  /// inline device whose every rate (or only the rate named `only`, the others 1) is `rate` and
  /// whose link latency is `latencyMicroseconds`, at both efficiencies `efficiency`.
  static func timedScenario(
    rate: Double, only: String? = nil, latencyMicroseconds: Double, efficiency: Double
  ) throws -> Scenario {
    let rates = [
      "hbm_bandwidth_gbps", "bf16_tflops", "fp32_tflops", "fp8_tflops", "int8_tops",
      "fp4_tflops", "intra_node_bandwidth_gbps", "inter_node_bandwidth_gbps",
    ].map { "\($0): \(only == nil || only == $0 ? rate : 1)" }
    let device =
      "{memory_gb: 80, link_latency_us: \(latencyMicroseconds), devices_per_node: 1, "
      + rates.joined(separator: ", ") + "}"
    return try TestSupport.quickstart(
      [
        "workload.steps=2", "workload.tokens_per_step=32", "model.layers=2",
        "cluster.layout={dp: 2, ep: 2}", "cluster.placement.strategy=contiguous",
        "cluster.device=\(device)", "cluster.cost.compute_efficiency=\(efficiency)",
        "cluster.cost.bandwidth_efficiency=\(efficiency)",
      ])
  }

  /// Step times are work over rate × efficiency plus latency: the slowest device the bounds
  /// allow (every rate 1e-6, both efficiencies 1e-6, latency 1e9 µs) and the fastest (every
  /// rate 1e12, no latency) give finite times and tokens per second; one step beyond any bound is
  /// refused naming the key. A device of 5e-324 TFLOP/s wrote `step_time_s = inf`.
  @Test func timeModelRatesAtTheirBoundsGiveFiniteTimes() throws {
    let rates = ArithmeticLimits.deviceRate
    let extremes = [
      try Self.timedScenario(
        rate: rates.lowerBound, latencyMicroseconds: ArithmeticLimits.linkLatencyMicroseconds,
        efficiency: ArithmeticLimits.efficiency.lowerBound),
      try Self.timedScenario(rate: rates.upperBound, latencyMicroseconds: 0, efficiency: 1),
    ]
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (index, scenario) in extremes.enumerated() {
      let results = folder.appendingPathComponent("r\(index)")
      try RunWriter.run(scenario, folder: results.path, threads: 1)
      for name in ["summary.csv", "steps.csv", "devices.csv"] {
        let rows = try TestSupport.readCSV(results.appendingPathComponent(name))
        #expect(!rows.joined().contains { ["nan", "inf", "-inf"].contains($0) }, "\(name)")
      }
      let summary = try TestSupport.readCSV(results.appendingPathComponent("summary.csv"))
      for column in ["step_time_s", "tokens_per_s"] {
        let index = try #require(summary.first?.firstIndex(of: column))
        #expect(Double(summary[1][index])?.isFinite == true, "\(column) = \(summary[1][index])")
      }
    }
    let beyond: [(path: String, scenario: () throws -> Scenario)] = [
      (
        "cluster.device.bf16_tflops",
        {
          try Self.timedScenario(
            rate: rates.lowerBound.nextDown, only: "bf16_tflops", latencyMicroseconds: 0,
            efficiency: 1)
        }
      ),
      (
        "cluster.device.inter_node_bandwidth_gbps",
        {
          try Self.timedScenario(
            rate: rates.upperBound.nextUp, only: "inter_node_bandwidth_gbps",
            latencyMicroseconds: 0, efficiency: 1)
        }
      ),
      (
        "cluster.device.link_latency_us",
        {
          try Self.timedScenario(
            rate: 1, latencyMicroseconds: ArithmeticLimits.linkLatencyMicroseconds.nextUp,
            efficiency: 1)
        }
      ),
      (
        "cluster.cost.compute_efficiency",
        {
          try Self.timedScenario(
            rate: 1, latencyMicroseconds: 0,
            efficiency: ArithmeticLimits.efficiency.lowerBound.nextDown)
        }
      ),
    ]
    for (path, scenario) in beyond {
      let error = try #require(throws: ScenarioError.self, "\(path)") { try scenario() }
      #expect(error.path == path)
    }
  }

  /// A selection bias at its bound picks experts that a bias spread of 1e6 leaves without
  /// probability: the selected mass was 0 and the renormalised gates NaN (found by
  /// `ScenarioRangePropertyTests`, case 142); the gates are now shares of whatever mass there is.
  @Test func biasedSelectionOfImprobableExpertsKeepsGatesFinite() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let results = folder.appendingPathComponent("r")
    let scenario = try TestSupport.quickstart([
      "workload.steps=3", "workload.tokens_per_step=13", "model.layers=2",
      "router.bias_spread=1e6", "router.routed_scaling_factor=1e6", "router.bias_update_rate=1e6",
      "router.capacity_factor=1.25", "workload.router_dim=1",
    ])
    try RunWriter.run(scenario, folder: results.path, threads: 1)
    for name in ["steps.csv", "experts.csv", "summary.csv"] {
      let cells = try TestSupport.readCSV(results.appendingPathComponent(name)).joined()
      #expect(!cells.contains { ["nan", "inf", "-inf"].contains($0) }, "\(name)")
    }
  }
}
