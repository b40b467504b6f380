import Foundation
import Testing

@testable import MoESim

@Suite struct AuxLossTrainingTests {
  /// `L(W) = E · Σ_i f_i · P_i` with P the mean router probability of logits `h · W`, in Double.
  static func loss(
    hidden: [Float], weights: [Double], tokens: Int, dim: Int, experts: Int, sigmoid: Bool,
    fractions: [Double]
  ) -> Double {
    var total = 0.0
    for token in 0..<tokens {
      var logits = [Double](repeating: 0, count: experts)
      for expert in 0..<experts {
        for j in 0..<dim {
          logits[expert] += Double(hidden[token * dim + j]) * weights[j * experts + expert]
        }
      }
      let scores =
        sigmoid
        ? logits.map { 1 / (1 + Foundation.exp(-$0)) }
        : logits.map { Foundation.exp($0 - logits.max()!) }
      let sum = scores.reduce(0, +)
      for expert in 0..<experts { total += fractions[expert] * scores[expert] / sum }
    }
    return Double(experts) * total / Double(tokens)
  }

  /// The analytic gradient equals a central finite difference of the loss, for softmax and
  /// sigmoid scores (6 tokens, 3 coordinates, 5 experts, unequal fractions).
  @Test(arguments: [false, true])
  func gradientMatchesFiniteDifferences(sigmoid: Bool) {
    let tokens = 6
    let dim = 3
    let experts = 5
    var generator = RandomStream.make(seed: 3, .tokens, 0)
    var hidden = [Float](repeating: 0, count: tokens * dim)
    var weightsFloat = [Float](repeating: 0, count: dim * experts)
    hidden.withUnsafeMutableBufferPointer { NormalSampler.fill($0, scale: 1, using: &generator) }
    weightsFloat.withUnsafeMutableBufferPointer {
      NormalSampler.fill($0, scale: 1, using: &generator)
    }
    let weights = weightsFloat.map(Double.init)
    let fractions = [0.4, 0.1, 0.2, 0.25, 0.05]
    var logits = [Float](repeating: 0, count: tokens * experts)
    for token in 0..<tokens {
      for expert in 0..<experts {
        var value: Float = 0
        for j in 0..<dim { value += hidden[token * dim + j] * weightsFloat[j * experts + expert] }
        logits[token * experts + expert] = value
      }
    }
    var scratch = [Double](repeating: 0, count: experts + dim * experts)
    var gradient = [Int64](repeating: 0, count: dim * experts)
    AuxLossTraining.accumulate(
      hidden: hidden, logits: logits, stride: experts, tokens: tokens, dim: dim,
      experts: experts, sigmoid: sigmoid, fractions: fractions, tokensPerStep: tokens,
      scratch: &scratch, gradient: &gradient)
    let step = 1e-5
    for index in 0..<dim * experts {
      var up = weights
      var down = weights
      up[index] += step
      down[index] -= step
      let numeric =
        (Self.loss(
          hidden: hidden, weights: up, tokens: tokens, dim: dim, experts: experts,
          sigmoid: sigmoid, fractions: fractions)
          - Self.loss(
            hidden: hidden, weights: down, tokens: tokens, dim: dim, experts: experts,
            sigmoid: sigmoid, fractions: fractions)) / (2 * step)
      let analytic = Double(gradient[index]) / AuxLossTraining.fixedScale
      #expect(abs(analytic - numeric) < 1e-5, "\(index): \(analytic) vs \(numeric)")
    }
  }

  static let small =
    SimulationTests.small + [
      "router.capacity_factor=null", "workload.steps=4", "router.warmup_steps=12",
    ]

  /// Training on the aux loss during warm-up lowers MaxVio_global; without it, or without
  /// warm-up, the run is the untrained one.
  @Test func trainingBalancesTheRouter() throws {
    let untrained = try SimulationTests().collect(try TestSupport.quickstart(Self.small))
    let trained = try SimulationTests().collect(
      try TestSupport.quickstart(Self.small + ["router.aux_loss_coeff=0.3"]))
    let cold = try #require(untrained.1.maxViolationGlobal)
    let warm = try #require(trained.1.maxViolationGlobal)
    #expect(warm < cold - 0.25, "\(warm) vs \(cold)")
    let noWarmup = try SimulationTests().collect(
      try TestSupport.quickstart(
        SimulationTests.small + [
          "router.capacity_factor=null", "workload.steps=4", "router.aux_loss_coeff=0.3",
        ]))
    let plain = try SimulationTests().collect(
      try TestSupport.quickstart(
        SimulationTests.small + ["router.capacity_factor=null", "workload.steps=4"]))
    #expect(noWarmup.0 == plain.0)
  }

  /// The trained weights, and so every measured step, do not depend on the thread count.
  @Test func trainingIsThreadInvariant() throws {
    let scenario = try TestSupport.quickstart(
      Self.small + ["router.aux_loss_coeff=30", "router.kind=sigmoid_topk", "model.layers=3"])
    let one = try SimulationTests().collect(scenario, threads: 1).0
    #expect(try SimulationTests().collect(scenario, threads: 3).0 == one)
  }

  @Test func refusedForKindsWithoutScores() {
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["router.kind=hash", "router.aux_loss_coeff=1"])
    }
    #expect(throws: ScenarioError.self) {
      try TestSupport.quickstart(["router.aux_loss_coeff=-1"])
    }
  }
}
