import Testing

@testable import MoESim

@Suite struct ExpertChoiceTests {
  func assign(_ scores: [[Float]], capacity: Int) -> (
    picked: [Int32], gates: [Float], outcome: ExpertChoice.Outcome
  ) {
    let tokens = scores.count
    let experts = scores[0].count
    var scratch = ExpertChoice.Scratch(tokens: tokens)
    var picked = [Int32](repeating: -1, count: experts * capacity)
    var gates = [Float](repeating: -1, count: experts * capacity)
    let outcome = ExpertChoice.assign(
      scores: scores.flatMap { $0 }, tokens: tokens, experts: experts, capacity: capacity,
      scratch: &scratch, picked: &picked, pickedGates: &gates)
    return (picked, gates, outcome)
  }

  @Test func eachExpertTakesItsBestTokens() {
    // Columns: expert 0 scores 0.9, 0.8, 0.3, 0.1; expert 1 scores 0.1, 0.2, 0.7, 0.9.
    // C = 1: expert 0 takes token 0, expert 1 token 3; tokens 1 and 2 get no expert.
    let scores: [[Float]] = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]]
    let one = assign(scores, capacity: 1)
    #expect(one.picked == [0, 3])
    #expect(one.gates == [0.9, 0.9])
    #expect(one.outcome.tokensWithoutExpert == 2)
    // C = 3: expert 0 takes 0, 1, 2; expert 1 takes 1, 2, 3 (in token order); all covered.
    let three = assign(scores, capacity: 3)
    #expect(three.picked == [0, 1, 2, 1, 2, 3])
    #expect(three.gates == [0.9, 0.8, 0.3, 0.2, 0.7, 0.9])
    #expect(three.outcome.tokensWithoutExpert == 0)
  }

  @Test func tiesGoToTheEarlierToken() {
    let picked = assign([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], capacity: 2).picked
    #expect(picked == [0, 1, 0, 1])
  }

  @Test func capacityFollowsTheTokenChoiceFormulaClampedToTheStep() {
    // ceil(4096 · 2 / 16 · 1.0) = 512; a null factor reads as 1; never above T.
    #expect(ExpertChoice.capacity(tokens: 4096, topK: 2, experts: 16, factor: nil) == 512)
    #expect(ExpertChoice.capacity(tokens: 4096, topK: 2, experts: 16, factor: 1.25) == 640)
    #expect(ExpertChoice.capacity(tokens: 10, topK: 4, experts: 2, factor: 2) == 10)
  }

  @Test func everyExpertGetsExactlyItsCapacityInARun() throws {
    let scenario = try TestSupport.quickstart(
      SimulationTests.small + [
        "router.kind=expert_choice", "model.layers=3", "workload.vocab_size=2048",
      ])
    var rows: [LayerStepMetrics] = []
    _ = try Simulation(scenario: scenario).run(threads: 2) { rows += $1 }
    // C = ceil(1000 · 2 / 16 · 1.25) = 157.
    for row in rows {
      #expect(row.capacity == 157)
      #expect(row.load.minimum == 157 && row.load.maximum == 157)
      #expect(row.assignmentsKept == 157 * 16 && row.assignmentsDropped == 0)
      // Expert 0 alone covers 157 distinct tokens.
      #expect(row.tokensWithoutExpert <= 1000 - 157)
    }
  }
}
