import Foundation
import Testing

@testable import MoESim

/// Sliding-window attention and per-component weight formats, on hand-computed cases.
@Suite struct AttentionWindowTests {
  /// Position `i` of a causal sequence attends to `min(i, w)` positions: for `c = 4, w = 2`
  /// that is 1, 2, 2, 2 (mean 7/4); for `w ≥ c` it is 1, 2, 3, 4 (mean 5/2).
  @Test func attendedPositionsCountTheWindow() {
    #expect(ComputeCost.attendedPositions(context: 4, window: 2, causalMean: true) == 1.75)
    #expect(ComputeCost.attendedPositions(context: 4, window: 9, causalMean: true) == 2.5)
    #expect(ComputeCost.attendedPositions(context: 4, window: nil, causalMean: true) == 2.5)
    #expect(ComputeCost.attendedPositions(context: 4, window: 2, causalMean: false) == 2)
    #expect(ComputeCost.attendedPositions(context: 4, window: nil, causalMean: false) == 4)
    // The closed form against the sum it stands for.
    let (context, window) = (1000, 37)
    let sum = (1...context).map { Double(min($0, window)) }.reduce(0, +) / Double(context)
    let closed = ComputeCost.attendedPositions(context: context, window: window, causalMean: true)
    #expect(abs(closed - sum) <= 1e-12 * sum)
  }

  /// The list of layer types repeats over the blocks; a sliding layer needs a window.
  @Test func layerTypesRepeatAndNeedAWindow() throws {
    let scenario = try TestSupport.quickstart([
      "model.attention.sliding_window=64",
      "model.attention.layer_types=[\"full\", \"sliding\", \"sliding\"]",
    ])
    let windows = (0..<6).map { scenario.model.attention.window(ofLayer: $0) }
    #expect(windows == [nil, 64, 64, nil, 64, 64])
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["model.attention.layer_types=[\"sliding\"]"])
    }
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "model.attention.sliding_window=64", "model.attention.layer_types=[\"local\"]",
      ])
    }
  }

  /// Block-scaled formats: MXFP4 4 + 8/32, NVFP4 4 + 8/16, fp8 with an fp32 scale per
  /// 128 × 128 block 8 + 32/16384 bits a weight.
  @Test func blockScaledFormatsCountTheirScales() {
    let precision = PrecisionSpec()
    #expect(precision.storedBits(.mxfp4) == 4.25)
    #expect(precision.storedBits(.nvfp4) == 4.5)
    #expect(precision.storedBits(.fp8Block) == 8 + 32.0 / 16384)
    #expect(precision.storedBits(.fp8) == 8)
    #expect(precision.storedBits(.int4) == 4.25)
  }

  /// Routed experts in their own format: the weights of a device are the non-expert parameters
  /// at the weights' bytes plus the experts' at theirs; training refuses a 4-bit expert format
  /// and a KV cache refuses a block-scaled one.
  @Test func expertWeightsHaveTheirOwnFormat() throws {
    let bf16 = try TestSupport.quickstart([])
    let mixed = try TestSupport.quickstart(["precision.expert_weights=nvfp4"])
    let count = ParameterCount(model: bf16.model)
    let experts = try #require(count.components.first { $0.name == "routed_experts" }).total
    let expected = (count.total - experts) * 2 + experts * 4.5 / 8
    #expect(DeviceMemory(scenario: mixed).worst.bytes[.weights] == expected)
    #expect(DeviceMemory(scenario: bf16).worst.bytes[.weights] == count.total * 2)
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["precision.expert_weights=mxfp4", "memory.mode=training"])
    }
    #expect(throws: ScenarioError.self) { try TestSupport.quickstart(["precision.kv_cache=mxfp4"]) }
  }

  /// The MTP module's own routed experts are stored in the experts' format too: its
  /// `weight_bytes` in params.csv splits like the main model's, and the last stage's weights by
  /// component (it holds the module in training) add up to its weight bytes, the module's
  /// mostly at the experts' 2 bytes rather than the weights' 4.
  @Test func mtpExpertsHaveTheExpertsFormat() throws {
    let scenario = try TestSupport.scenario(
      "deepseek-v3.json5", "precision.weights=fp32", "precision.expert_weights=bf16",
      "memory.mode=training")
    let count = ParameterCount(model: scenario.model)
    let mtp = try #require(count.extras.first { $0.name == "mtp" })
    let parts = ParameterBreakdown(model: scenario.model)
    let routed = parts.mtpBlocks.map { Double($0.routedExperts) * $0.expertParameters }
      .reduce(0, +)
    #expect(routed > 0.9 * mtp.total)
    let rows = ResultTables.paramsRows(count, scenario: scenario)
    let mtpRow = try #require(rows.first { $0.first == .text("mtp") })
    #expect(mtpRow[4] == .real((mtp.total - routed) * 4 + routed * 2))
    let last = try #require(DeviceMemory(scenario: scenario).stages.last)
    let byComponent = last.componentWeightBytes.keys.sorted()
      .map { last.componentWeightBytes[$0] ?? 0 }.reduce(0, +)
    let weights = try #require(last.bytes[.weights])
    #expect(abs(byComponent - weights) <= 1e-9 * weights)
    let mtpOnDevice = try #require(last.componentParameters["mtp"])
    #expect((last.componentWeightBytes["mtp"] ?? 0) < mtpOnDevice * 4 * 0.6)
  }

  /// Chunked prefill caps the tokens whose activations the workspace holds.
  @Test func chunkedPrefillCapsTheWorkspace() throws {
    let whole = try TestSupport.quickstart(["memory.batch=4", "memory.context=4096"])
    let chunked = try TestSupport.quickstart([
      "memory.batch=4", "memory.context=4096", "memory.prefill_chunk_tokens=2048",
    ])
    #expect(whole.memory.activationTokens == 16_384)
    #expect(chunked.memory.activationTokens == 2048)
    let wholeBytes = try #require(DeviceMemory(scenario: whole).worst.bytes[.activations])
    let chunkedBytes = try #require(DeviceMemory(scenario: chunked).worst.bytes[.activations])
    #expect(chunkedBytes < wholeBytes / 7)
  }
}

/// A serving engine's memory share and reserve shrink what "fits" is measured against.
@Suite struct MemoryShareTests {
  @Test func utilizationAndReserveShrinkTheCapacity() throws {
    let scenario = try TestSupport.quickstart([
      "cluster.device_memory_gib=80", "cluster.memory_utilization=0.9",
      "cluster.memory_reserve_gib=2",
    ])
    // (80 · 0.9 − 2) GiB = 70 GiB.
    #expect(DeviceMemory(scenario: scenario).capacityBytes == 70 * 1_073_741_824)
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["cluster.memory_utilization=1.5"])
    }
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "cluster.device_memory_gib=80", "cluster.memory_utilization=0.5",
        "cluster.memory_reserve_gib=40",
      ])
    }
  }
}
