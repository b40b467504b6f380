import Testing

@testable import MoESim

@Suite struct DriftTests {
  let domains = [DomainSpec(name: "web", weight: 1), DomainSpec(name: "code", weight: 1)]
  let schedule = [
    DomainSchedulePoint(step: 10, weights: ["web": 1]),
    DomainSchedulePoint(step: 20, weights: ["web": 0.2, "code": 0.8]),
  ]

  @Test func weightsAreHeldThenInterpolatedLinearly() {
    let at = { DomainSchedulePoint.weights(at: $0, schedule: self.schedule, domains: self.domains) }
    #expect(at(0) == [1, 0])
    #expect(at(10) == [1, 0])
    // Halfway: web 1 → 0.2 is 0.6, code 0 → 0.8 is 0.4.
    let middle = at(15)
    #expect(abs(middle[0] - 0.6) < 1e-12 && abs(middle[1] - 0.4) < 1e-12)
    #expect(at(20) == [0.2, 0.8] && at(99) == [0.2, 0.8])
    #expect(DomainSchedulePoint.weights(at: 5, schedule: [], domains: domains) == [1, 1])
  }

  @Test func scheduleDecidesEachStepsDomains() throws {
    let scenario = try TestSupport.quickstart([
      "workload.tokens_per_step=1000", "workload.sequence_length=10", "workload.vocab_size=64",
      "workload.domain_schedule=[{step: 0, weights: {web: 1}}, {step: 4, weights: {math: 1}}]",
    ])
    let source = SyntheticTokenSource(spec: scenario.workload, seed: scenario.seed)
    var domains = [Int32](repeating: -1, count: source.sequencesPerStep)
    domains.withUnsafeMutableBufferPointer { source.drawSequenceDomains(step: 0, into: $0) }
    #expect(domains.allSatisfy { $0 == 0 })  // all web
    domains.withUnsafeMutableBufferPointer { source.drawSequenceDomains(step: 9, into: $0) }
    #expect(domains.allSatisfy { $0 == 2 })  // all math
    domains.withUnsafeMutableBufferPointer { source.drawSequenceDomains(step: 2, into: $0) }
    // Half web, half math: 100 sequences, σ = 5; 5σ bounds.
    let web = domains.filter { $0 == 0 }.count
    #expect(domains.allSatisfy { $0 == 0 || $0 == 2 } && abs(web - 50) <= 25)
  }

  @Test func badSchedulesAreRefusedWithThePath() throws {
    let unknown = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart(["workload.domain_schedule=[{step: 0, weights: {wbe: 1}}]"])
    }
    #expect(
      unknown.description.contains(
        "workload.domain_schedule[0].weights.wbe is not a known key; did you mean 'web'?"))
    let order = try #require(throws: ScenarioError.self) {
      try TestSupport.quickstart([
        "workload.domain_schedule=[{step: 5, weights: {web: 1}}, {step: 5, weights: {code: 1}}]"
      ])
    }
    #expect(order.description.contains("strictly increasing"))
  }
}
