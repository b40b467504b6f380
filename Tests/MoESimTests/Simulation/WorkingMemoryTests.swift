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
          + " allowed a size whose run fits in this machine's "))
    #expect(
      result.standardError.contains(
        "hidden states (tokens_per_step × router_dim × 4 bytes) = 512.0 GiB"))
  }
}
