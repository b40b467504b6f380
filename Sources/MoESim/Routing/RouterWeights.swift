import MoESimKernels

/// The router of every MoE layer: a `d × E` matrix with N(0, 1/d) entries plus a per-expert bias
/// with N(0, bias_spread²) entries (the layer's own spread with `bias_spread_by_layer`), both divided by the router temperature once, up front, so that
/// the logits come out already tempered.
///
/// Columns are padded to a multiple of `LogitsKernel.lanes` with zeros, so the logits kernel runs
/// whole SIMD vectors; routers read only the first `experts` logits of each row.
public struct RouterWeights: Sendable {
  public let layers: Int
  public let dim: Int
  public let experts: Int
  /// `experts` rounded up to a multiple of the SIMD width: the row stride of weights and logits.
  public let paddedExperts: Int
  /// `layers × dim × paddedExperts`, row-major per layer.
  let weights: [Float]
  /// `layers × paddedExperts`.
  let bias: [Float]

  public init(
    seed: UInt64, layers: Int, dim: Int, experts: Int, biasSpreads: [Double],
    temperature: Double
  ) {
    precondition(biasSpreads.count == layers, "one bias spread per MoE layer")
    self.layers = layers
    self.dim = dim
    self.experts = experts
    let padded = (experts + LogitsKernel.lanes - 1) / LogitsKernel.lanes * LogitsKernel.lanes
    paddedExperts = padded
    let inverseTemperature = Float(1 / temperature)
    var weights = [Float](repeating: 0, count: layers * dim * padded)
    var bias = [Float](repeating: 0, count: layers * padded)
    var row = [Float](repeating: 0, count: experts)
    let scale = Float((1 / Double(dim)).squareRoot()) * inverseTemperature
    for layer in 0..<layers {
      var generator = RandomStream.make(seed: seed, .routerWeights, layer)
      for j in 0..<dim {
        row.withUnsafeMutableBufferPointer {
          NormalSampler.fill($0, scale: scale, using: &generator)
        }
        let base = (layer * dim + j) * padded
        for expert in 0..<experts { weights[base + expert] = row[expert] }
      }
      var biasGenerator = RandomStream.make(seed: seed, .routerBias, layer)
      row.withUnsafeMutableBufferPointer {
        NormalSampler.fill(
          $0, scale: Float(biasSpreads[layer]) * inverseTemperature, using: &biasGenerator)
      }
      for expert in 0..<experts { bias[layer * padded + expert] = row[expert] }
    }
    self.weights = weights
    self.bias = bias
  }
}
