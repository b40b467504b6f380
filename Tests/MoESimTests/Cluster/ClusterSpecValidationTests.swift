import Testing

@testable import MoESim

/// The `precision`, `cluster` and `memory` sections are validated like every other key.
@Suite struct ClusterSpecValidationTests {
  static let rules: [(String, String)] = [
    (
      "precision.weights=int3",
      "precision.weights = \"int3\" is out of range; allowed one of \"fp32\", \"bf16\", \"fp16\", \"fp8\", \"fp8_block\", \"int8\", \"int4\", \"mxfp4\", \"nvfp4\""
    ),
    (
      "precision.kv_cache=int4",
      "precision.kv_cache = \"int4\" is out of range; allowed fp32, bf16, fp16, fp8 or int8"
    ),
    ("cluster.devices=3", "cluster.devices = 3 is out of range; allowed 1 (layout tp × pp × dp)"),
    (
      "cluster.layout.tp=3",
      "cluster.layout.tp = 3 is out of range; allowed a divisor of model.attention.heads = 16"
    ),
    ("cluster.layout.pp=9", "cluster.layout.pp = 9 is out of range; allowed 1...8 (model.layers)"),
    (
      "cluster.layout.ep=32",
      "cluster.layout.ep = 32 is out of range; allowed 1...16 (model.moe.experts; 1 for a dense model)"
    ),
    (
      "cluster.layout={tp: 2, ep: 4}",
      "cluster.layout.ep = 4 is out of range; allowed ep × expert_tp (= 4) dividing tp × dp = 2"
    ),
    (
      "cluster.device_memory_gib=0",
      "cluster.device_memory_gib = 0 is out of range; allowed a finite number > 0"
    ),
    ("memory.zero_stage=4", "memory.zero_stage = 4 is out of range; allowed 0...3"),
    (
      "memory.recompute=selective",
      "memory.recompute = \"selective\" is out of range; allowed one of \"none\", \"full\""
    ),
    ("memory.batch=0", "memory.batch = 0 is out of range; allowed 1...1073741824"),
  ]

  @Test(arguments: rules)
  func rejectsWithAPreciseMessage(override: String, message: String) throws {
    let error = try #require(throws: ScenarioError.self) { try TestSupport.quickstart([override]) }
    #expect(error.description == "--set \(override): \(message)", "\(error)")
  }

  @Test func trainingNeedsFloatingPointWeights() throws {
    let error = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["precision.weights=int4", "memory.mode=training"])
    }
    #expect(error.path == "memory.mode")
    #expect(error.description.contains("training needs fp32, bf16 or fp16 weights"))
  }

  /// Defaults: one device of an 80 GB H100's usable 81,559 MiB (85,520,809,984 bytes, the total
  /// nvidia-smi reports), bf16 everywhere, int groups of 128, inference of one 4096-token
  /// sequence.
  @Test func defaults() throws {
    let scenario = try TestSupport.quickstart([])
    #expect(scenario.precision == PrecisionSpec())
    #expect(scenario.cluster == ClusterSpec())
    #expect(scenario.memory == MemorySpec())
    #expect(scenario.cluster.deviceMemoryBytes == 85_520_809_984)
  }
}
