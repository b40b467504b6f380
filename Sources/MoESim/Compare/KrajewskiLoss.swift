import Foundation

/// The fine-grained MoE scaling law of Krajewski et al. 2024, "Scaling Laws for Fine-Grained
/// Mixture of Experts" (arXiv:2402.07871v1): an estimate of the final training loss (nats per
/// token, C4 with the GPT-2 tokenizer) of a model with `N` non-embedding parameters trained on
/// `D` tokens,
///
///     MoE   (sec. 5.3, eq. 9):  L(N, D, G) = c + (g / G^γ + a) / N^α + b / D^β
///     dense (sec. 3.2, eq. 1):  L(N, D)    = c + a / N^α + b / D^β
///
/// with the fitted values of Table 1 (sec. 5.4): MoE a = 18.1, α = 0.115, b = 30.8, β = 0.147,
/// g = 2.1, γ = 0.58, c = 0.47; dense a = 16.3, α = 0.126, b = 26.7, β = 0.127, c = 0.47.
///
/// Granularity `G = d_ff / d_expert` (sec. 4): each token goes to `G` experts of `1/G` the width
/// of the base FFN, so a top-k router has `G = k`, and the expansion rate is
/// `E = experts / G` (eq. 3: `N_expert = G · E`). The MoE fit holds `E = 64` fixed (sec. 5) over
/// models of 129M to 3.7B parameters, 16B to 130B tokens and `G` from 1 to 16, every FFN replaced
/// by an MoE layer (sec. 5) with no shared experts (sec. 3.1, 4) and Expert Choice routing
/// (App. A); the dense fit covers Table 4's models, 3M to 85M non-embedding parameters and 16B
/// to 66B tokens. Outside those ranges `estimate` refuses with the reason rather than
/// extrapolate.
public enum KrajewskiLoss {
  /// One row of Table 1.
  public struct Coefficients: Sendable, Equatable {
    public var a: Double
    public var alpha: Double
    public var b: Double
    public var beta: Double
    /// Granularity term; 0 for the dense fit.
    public var g: Double
    public var gamma: Double
    public var c: Double
  }

  /// Table 1, row "MoE" (fitted at expansion rate E = 64).
  public static let moe = Coefficients(
    a: 18.1, alpha: 0.115, b: 30.8, beta: 0.147, g: 2.1, gamma: 0.58, c: 0.47)
  /// Table 1, row "Dense".
  public static let dense = Coefficients(
    a: 16.3, alpha: 0.126, b: 26.7, beta: 0.127, g: 0, gamma: 0, c: 0.47)

  /// The expansion rate of the MoE fit (sec. 5: "E = 64 is fixed").
  public static let expansionRate = 64
  /// Sec. 5: "models with sizes ranging from 129M to 3.7B parameters", "from 16B to 130B
  /// tokens", "granularity between 1 and 16".
  public static let moeParameters = 129e6...3.7e9
  public static let moeTokens = 16e9...130e9
  public static let granularity = 1...16
  /// Table 4 (dense models): 3M to 85M non-embedding parameters, 16B to 66B tokens.
  public static let denseParameters = 3e6...85e6
  public static let denseTokens = 16e9...66e9

  /// Eq. 9 with `coefficients` (eq. 1 when `g = 0`), without range checks.
  public static func loss(
    _ coefficients: Coefficients, parameters: Double, tokens: Double, granularity: Double = 1
  ) -> Double {
    let k = coefficients
    return k.c + (k.g / pow(granularity, k.gamma) + k.a) / pow(parameters, k.alpha)
      + k.b / pow(tokens, k.beta)
  }

  /// The estimate for a model, or why there is none.
  public enum Estimate: Sendable, Equatable {
    case loss(Double)
    /// The model or `D` lies outside what the law was fitted on; the text says which.
    case outsideFit(String)
  }

  /// Non-embedding parameters: everything but the input embedding and the output head.
  public static func nonEmbeddingParameters(_ model: ModelSpec) -> Double {
    let count = ParameterCount(model: model)
    let excluded = count.components.filter { ["embedding", "output_head"].contains($0.name) }
    return count.total - excluded.map(\.total).reduce(0, +)
  }

  /// The estimate for `model` trained on `tokens` tokens: eq. 9 for an MoE, eq. 1 for a dense
  /// model, each only inside its fit's range.
  public static func estimate(model: ModelSpec, tokens: Double) -> Estimate {
    let parameters = nonEmbeddingParameters(model)
    guard let spec = model.moe else {
      if let reason = outside(
        parameters, denseParameters, "N", "parameters of the dense fit (Table 4)")
        ?? outside(tokens, denseTokens, "D", "tokens of the dense fit (Table 4)")
      {
        return .outsideFit(reason)
      }
      return .loss(loss(dense, parameters: parameters, tokens: tokens))
    }
    if spec.sharedExperts > 0 {
      return .outsideFit("shared experts: the fitted MoE models have none")
    }
    if model.moeLayerIndices.count != model.layers {
      return .outsideFit("dense layers: the fitted MoE models have an MoE layer in every block")
    }
    guard spec.experts % spec.topK == 0 else {
      return .outsideFit(
        "experts = \(spec.experts) is not a multiple of top_k = \(spec.topK) (E = experts / G)")
    }
    let expansion = spec.experts / spec.topK
    guard expansion == expansionRate else {
      return .outsideFit(
        "expansion rate E = experts / top_k = \(expansion); the fit holds E = \(expansionRate)")
    }
    guard granularity.contains(spec.topK) else {
      return .outsideFit("granularity G = top_k = \(spec.topK) is outside 1...16")
    }
    if let reason = outside(parameters, moeParameters, "N", "parameters of the MoE fit (sec. 5)")
      ?? outside(tokens, moeTokens, "D", "tokens of the MoE fit (sec. 5)")
    {
      return .outsideFit(reason)
    }
    return .loss(
      loss(moe, parameters: parameters, tokens: tokens, granularity: Double(spec.topK)))
  }

  /// Why `value` is outside `range`, or nil when inside.
  static func outside(
    _ value: Double, _ range: ClosedRange<Double>, _ symbol: String, _ what: String
  ) -> String? {
    guard !range.contains(value) else { return nil }
    return "\(symbol) = \(scientific(value)) is outside \(scientific(range.lowerBound))..."
      + "\(scientific(range.upperBound)) \(what)"
  }

  /// Three significant digits, e.g. `4.45e+09`.
  static func scientific(_ value: Double) -> String { String(format: "%.3g", value) }
}
