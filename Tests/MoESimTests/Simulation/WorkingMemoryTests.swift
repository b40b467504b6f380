import Foundation
import Testing

@testable import MoESim

@Suite struct WorkingMemoryTests {
  @Test func quickstartTermsByHand() throws {
    let scenario = try TestSupport.quickstart([])
    let memory = WorkingMemory(scenario: scenario, threads: 1)
    // Quickstart: vocab 32768, router_dim 64, 3 domains, 4096 tokens, 7 MoE layers (8 layers,
    // the first dense), 16 experts (a whole number of SIMD vectors), top-2.
    let expected: [String: Double] = [
      "workload.vocab_size": 32768 * 64 * 4,
      "workload.domains": 3 * 32768 * 4,
      "workload.tokens_per_step": 4096 * 64 * 4,
      "model.moe.top_k": 4096 * 2 * (8 + 5),
    ]
    for term in memory.terms where expected[term.path] != nil {
      #expect(term.bytes == expected[term.path], "\(term.name)")
    }
    // Router weights 7 × (64 + 1) × 16 × 4 and logits 256 × 16 × 4 complete the sum.
    #expect(memory.bytes == 9_982_400)
    #expect(memory.largest?.path == "workload.vocab_size")
  }

  /// The quickstart's 4096 tokens, 16 experts, 7 MoE layers, top-2: one layer's distributions
  /// are 4096 × 16 × 4 = 262 144 bytes and its selections 4096 × 2 × 8 = 65 536, so the 512 MiB
  /// selection budget holds all 7 layers (536 870 912 / 327 680 = 1638 ≥ 7).
  @Test(arguments: ["router.sequence_aux_loss=true", "router.aux_bias_coeff=0.01"])
  func routerDistributionsAreSizedWhenTheLayerStageReadsThem(setting: String) throws {
    let memory = WorkingMemory(scenario: try TestSupport.quickstart([setting]), threads: 2)
    let term = try #require(memory.terms.first { $0.name.hasPrefix("router distributions") })
    #expect(term.bytes == 7 * 4096 * 16 * 4)
    let plain = WorkingMemory(scenario: try TestSupport.quickstart([]), threads: 2)
    #expect(memory.bytes - plain.bytes == term.bytes, "the only term the setting adds")
  }

  @Test func expertChoiceSizesItsPicksAndScratch() throws {
    let memory = WorkingMemory(
      scenario: try TestSupport.quickstart([
        "router.kind=expert_choice", "router.capacity_factor=1.25",
      ]), threads: 2)
    func bytes(_ prefix: String) throws -> Double {
      try #require(memory.terms.first(where: { $0.name.hasPrefix(prefix) })).bytes
    }
    // No selection slots: a layer holds only its distributions, 262 144 bytes; all 7 fit.
    #expect(try bytes("router distributions for expert_choice") == 7 * 4096 * 16 * 4)
    // C = ⌈4096 · 2 / 16 · 1.25⌉ = 640 tokens an expert; picks 7 × 16 × 640 × (4 + 4) bytes.
    #expect(try bytes("expert-choice picks") == 7 * 16 * 640 * 8)
    #expect(try bytes("expert-choice scratch") == 2 * 4096 * 16)
  }

  /// 10⁶ tokens × 65 536 experts × 4 bytes = 244.1 GiB of distributions for one layer: refused
  /// up front (the run used to abort in the allocator).
  @Test func aSequenceAuxLossRunTooLargeIsRefused() throws {
    let result = try CommandLineTests().moesim([
      "run", "--out", "/nonexistent/never", "--set", "model.moe.experts=65536", "--set",
      "model.moe.expert_intermediate_size=16", "--set", "workload.tokens_per_step=1000000",
      "--set", "workload.steps=1", "--set", "router.sequence_aux_loss=true",
    ])
    #expect(result.status == 65)
    #expect(
      result.standardError.contains(
        "its largest buffer is router distributions for sequence_aux_loss (layers held ×"
          + " tokens_per_step × experts × 4 bytes) = 244.1 GiB\n"))
  }

  /// A logits trace of 2 steps × 7 MoE layers × 4096 tokens × 16 experts: 458 752 token rows,
  /// each 16 × 4 logits and a seen flag; the text adds its bytes and 32 per line.
  @Test func traceReplayByHand() throws {
    let scenario = try TestSupport.quickstart(["workload.steps=2"])
    let rows = 2.0 * 7 * 4096
    let logits = WorkingMemory.traceReplay(scenario: scenario, logits: true, fileBytes: 1000)
    #expect(logits.map(\.bytes) == [1000 + rows * 32, rows * (16 * 4 + 1)])
    // Decisions: top-2 rows per token, gathered (24 bytes) and laid out (8 a slot, 8 counts).
    let decisions = WorkingMemory.traceReplay(scenario: scenario, logits: false, fileBytes: 0)
    #expect(decisions.map(\.bytes) == [rows * 2 * 32, rows * 2 * 24 + rows * 2 * 8 + rows * 8])
  }

  @Test func aRunTooLargeForTheMachineIsRefusedBeforeAllocating() throws {
    // 2^24 tokens × 8192 wide × 4 bytes = 512 GiB of hidden states alone.
    let result = try CommandLineTests().moesim([
      "run", "--out", "/nonexistent/never", "--set", "workload.router_dim=8192", "--set",
      "workload.tokens_per_step=16777216",
    ])
    #expect(result.status == 65)
    #expect(
      result.standardError.hasPrefix(
        "error: <built-in quickstart>: workload.tokens_per_step = 16777216 is out of range;"
          + " allowed a size whose run fits in the "))
    #expect(
      result.standardError.contains(
        "hidden states (tokens_per_step × router_dim × 4 bytes) = 512.0 GiB"))
  }

  /// Under `ulimit -v` (2 GiB of address space) a run needing 4 GiB of hidden states is refused
  /// with the limit named, though the machine has the memory.
  @Test func theAddressSpaceLimitIsHonoured() throws {
    let command =
      "ulimit -v 2097152; exec '\(CommandLineTests.binary.path)' run --out /nonexistent/never"
      + " --set workload.router_dim=1024 --set workload.tokens_per_step=1048576"
    let result = try CommandLineTests().run(
      URL(fileURLWithPath: "/bin/sh"), ["-c", command])
    #expect(result.status == 65)
    #expect(
      result.standardError.contains(
        "fits in the 2.0 GiB this process may use (the limit ulimit -v); this run needs"))
  }

  /// A decisions trace of 10⁶ steps × 7 MoE layers × 4096 tokens, top-2, is refused from its
  /// size before a line of it is read: the replay would hold 5.7e10 rows.
  @Test func aTraceTooLargeToReplayIsRefusedUpFront() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = folder.appendingPathComponent("t.csv")
    try "step,layer,token,expert,gate\n0,1,0,3,1\n".write(
      to: trace, atomically: true, encoding: .utf8)
    let result = try CommandLineTests().moesim([
      "run", "--out", folder.appendingPathComponent("r").path, "--set", "workload.kind=trace",
      "--set", "workload.trace=\(trace.path)", "--set", "workload.steps=1000000",
    ])
    #expect(result.status == 65)
    #expect(result.standardError.contains("workload.steps = 1000000 is out of range"))
    #expect(result.standardError.contains("its largest buffer is replayed trace"))
  }
}
