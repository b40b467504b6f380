import Foundation
import Testing

@testable import MoESim

/// The fine-grained MoE scaling law (Krajewski et al. 2024, arXiv:2402.07871v1, eq. 9, Table 1).
@Suite struct KrajewskiLossTests {
  @Test func formulaMatchesTheHandValue() {
    // N = 1e9, D = 1e11, G = 4 (computed with python3):
    //   4^0.58 = 2.23457, 2.1 / 2.23457 = 0.939776; 1e9^0.115 = 10.8393;
    //   (0.939776 + 18.1) / 10.8393 = 1.756555; 1e11^0.147 = 41.4000, 30.8 / 41.4000 = 0.743962;
    //   0.47 + 1.756555 + 0.743962 = 2.970517.
    let loss = KrajewskiLoss.loss(
      KrajewskiLoss.moe, parameters: 1e9, tokens: 1e11, granularity: 4)
    #expect(abs(loss - 2.970517298646821) < 1e-12)
    // More granularity lowers the loss, towards the G → ∞ limit a / N^α (sec. 5.3).
    let coarse = KrajewskiLoss.loss(KrajewskiLoss.moe, parameters: 1e9, tokens: 1e11)
    #expect(coarse > loss)
  }

  @Test func table1ReproducesTheComputeOptimalLossesOfTable2() {
    // Table 2 of the paper: (N_act, D, G, loss) of compute-optimal models at E = 64. Sec. 6.1:
    // N_act = 12·d²·n and N = d²·(8E + 4)·n, so N = N_act / 12 × 516. The rounded coefficients of
    // Table 1 give the table's losses within 0.025 (largest gap 0.0233 at 64 × 100M); counting
    // N as 64 × N_act instead misses by 0.089, which this tolerance would catch.
    let table2: [(active: Double, tokens: Double, granularity: Double, loss: Double)] = [
      (100e6, 4.37e9, 8, 3.133), (1e9, 28.94e9, 16, 2.491), (3e9, 72.90e9, 16, 2.245),
      (7e9, 137.60e9, 32, 2.076), (70e9, 941.07e9, 32, 1.694), (300e9, 2.96e12, 64, 1.503),
      (1e12, 7.94e12, 64, 1.367),
    ]
    for row in table2 {
      let loss = KrajewskiLoss.loss(
        KrajewskiLoss.moe, parameters: row.active / 12 * 516, tokens: row.tokens,
        granularity: row.granularity)
      #expect(abs(loss - row.loss) < 0.025)
    }
  }

  /// The quickstart made a model the fit covers: 128 experts, top-2 (G = 2, E = 64), every
  /// layer MoE, experts of width 512, trained on 5e10 tokens.
  static func fittedScenario(_ more: [String] = []) throws -> Scenario {
    try TestSupport.quickstart(
      [
        "model.moe.experts=128", "model.moe.expert_intermediate_size=512",
        "model.moe.first_dense_layers=0", "compute.training_tokens=5e10",
      ] + more)
  }

  @Test func estimateOfAFittedMoEAndItsDenseCounterpart() throws {
    let scenario = try Self.fittedScenario()
    // Per block (hidden 1024, 16 heads / 4 KV heads of 64, SwiGLU, RMSNorm): attention
    // 1024·(1024 + 2·256) + 1024·1024 = 2,621,440; norms 2·1024 = 2,048; router 1024·128 =
    // 131,072; experts 128·3·1024·512 = 201,326,592; block 204,081,152; × 8 blocks + final norm
    // 1,024 = 1,632,650,240 non-embedding parameters.
    #expect(KrajewskiLoss.nonEmbeddingParameters(scenario.model) == 1_632_650_240)
    // 0.47 + (2.1 / 2^0.58 + 18.1) / N^0.115 + 30.8 / (5e10)^0.147
    //   = 0.47 + (1.404830 + 18.1) / 11.467869 + 30.8 / 37.389408 = 0.47 + 1.700824 + 0.823763.
    guard case .loss(let moe) = KrajewskiLoss.estimate(model: scenario.model, tokens: 5e10) else {
      Issue.record("no estimate for a model inside the fit")
      return
    }
    #expect(abs(moe - 2.9945864931065533) < 1e-12)

    // The dense counterpart at equal active FLOPs: one FFN of width 2 × 512 = 1024; per block
    // 2,621,440 + 2,048 + 3·1024·1024 = 5,769,216; × 8 + 1,024 = 46,154,752 parameters; eq. 1
    // with the dense row: 0.47 + 16.3 / N^0.126 + 26.7 / (5e10)^0.127
    //   = 0.47 + 16.3 / 9.240411 + 26.7 / 22.843844 = 0.47 + 1.763991 + 1.168805.
    let dense = DenseCounterpart.derive(from: scenario, match: .active).scenario
    #expect(KrajewskiLoss.nonEmbeddingParameters(dense.model) == 46_154_752)
    #expect(
      KrajewskiLoss.estimate(model: dense.model, tokens: 5e10)
        == .loss(KrajewskiLoss.loss(KrajewskiLoss.dense, parameters: 46_154_752, tokens: 5e10)))

    // comparison.csv carries both, with an empty note.
    let rows = Comparison.rows(Comparison.variants(scenario, matches: [.active], multipleOf: 1))
    let value = Comparison.columns.firstIndex(of: "loss_estimate_krajewski") ?? -1
    let note = Comparison.columns.firstIndex(of: "loss_estimate_krajewski_note") ?? -1
    #expect(rows[0][value] == .real(moe) && rows[0][note] == .empty)
    guard case .real(let denseLoss) = rows[1][value] else {
      Issue.record("no dense estimate")
      return
    }
    #expect(abs(denseLoss - 3.402795906196721) < 1e-12)
  }

  @Test(arguments: [
    // Mixtral: 8 experts top-2 is E = 4.
    (["model.moe.experts=8"], "expansion rate E = experts / top_k = 4; the fit holds E = 64"),
    (
      ["model.moe.shared_experts=1", "model.moe.shared_expert_intermediate_size=512"],
      "shared experts: the fitted MoE models have none"
    ),
    (
      ["model.moe.first_dense_layers=1"],
      "dense layers: the fitted MoE models have an MoE layer in every block"
    ),
    (["model.moe.top_k=3"], "experts = 128 is not a multiple of top_k = 3 (E = experts / G)"),
    // Experts of width 1408: 8 × (2,621,440 + 2,048 + 131,072 + 128·3·1024·1408) + 1,024.
    (
      ["model.moe.expert_intermediate_size=1408"],
      "N = 4.45e+09 is outside 1.29e+08...3.7e+09 parameters of the MoE fit (sec. 5)"
    ),
    (
      ["compute.training_tokens=2e11"],
      "D = 2e+11 is outside 1.6e+10...1.3e+11 tokens of the MoE fit (sec. 5)"
    ),
  ])
  func outsideTheFitTheEstimateIsRefused(overrides: [String], reason: String) throws {
    let scenario = try Self.fittedScenario(overrides)
    let tokens = Comparison.trainingTokens([Comparison.Variant(name: "moe", scenario: scenario)])
    #expect(KrajewskiLoss.estimate(model: scenario.model, tokens: tokens) == .outsideFit(reason))
    let rows = Comparison.rows(Comparison.variants(scenario, matches: [], multipleOf: 1))
    let value = Comparison.columns.firstIndex(of: "loss_estimate_krajewski") ?? -1
    #expect(rows[0][value] == .empty)
    #expect(rows[0][value + 1] == .text(reason))
  }
}
