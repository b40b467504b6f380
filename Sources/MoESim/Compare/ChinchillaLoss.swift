import Foundation

/// The Chinchilla parametric loss fit, an estimate of the final pre-training loss (nats per
/// token on MassiveText) of a dense transformer with `N` parameters trained on `D` tokens:
/// `L(N, D) = E + A / N^α + B / D^β`.
///
/// Coefficients: Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models",
/// section 3.3 ("Approach 3"), eq. 10 and the fitted values quoted after it: E = 1.69,
/// A = 406.4, B = 410.7, α = 0.34, β = 0.28. `N` counts every parameter (Chinchilla includes
/// the embeddings, unlike Kaplan et al. 2020). It was fitted on dense models only, so MoESim
/// gives it for dense variants only; it is an estimate on another dataset and tokenizer, useful
/// for comparing variants, not as a prediction for a particular corpus.
public enum ChinchillaLoss {
  public static let irreducible = 1.69
  public static let parameterCoefficient = 406.4
  public static let dataCoefficient = 410.7
  public static let parameterExponent = 0.34
  public static let dataExponent = 0.28

  /// The estimated loss for `parameters` parameters and `tokens` training tokens.
  public static func loss(parameters: Double, tokens: Double) -> Double {
    irreducible + parameterCoefficient / pow(parameters, parameterExponent)
      + dataCoefficient / pow(tokens, dataExponent)
  }
}
