/// The router logits of a block of tokens, `logits = H · W + b`, the hot loop of a run:
/// `d × E` multiply-adds per token and layer.
///
/// Register-blocked: a tile of `tileTokens` tokens × one SIMD vector of experts is accumulated in
/// registers over the whole hidden dimension, so each weight vector is loaded once per tile and
/// each hidden value is broadcast once per vector.
enum LogitsKernel {
  typealias Vector = SIMD16<Float>
  /// Experts per SIMD vector; logits and weight rows are padded to a multiple of this.
  static let lanes = Vector.scalarCount
  static let tileTokens = 4

  /// - Parameters:
  ///   - hidden: `tokens × dim`, row-major.
  ///   - weights: `dim × paddedExperts`, row-major; `bias`: `paddedExperts`.
  ///   - logits: `tokens × paddedExperts` output, row-major.
  @inline(__always)
  static func compute(
    hidden: UnsafePointer<Float>, tokens: Int, dim: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, paddedExperts: Int,
    logits: UnsafeMutablePointer<Float>
  ) {
    let vectors = paddedExperts / lanes
    let weightVectors = UnsafeRawPointer(weights)
    var token = 0
    while token + tileTokens <= tokens {
      let h0 = hidden + token * dim
      let h1 = h0 + dim
      let h2 = h1 + dim
      let h3 = h2 + dim
      for vector in 0..<vectors {
        let start = UnsafeRawPointer(bias).loadUnaligned(
          fromByteOffset: vector * lanes * 4, as: Vector.self)
        var a0 = start, a1 = start, a2 = start, a3 = start
        var offset = vector * lanes * 4
        let rowBytes = paddedExperts * 4
        for j in 0..<dim {
          let w = weightVectors.loadUnaligned(fromByteOffset: offset, as: Vector.self)
          a0 += h0[j] * w
          a1 += h1[j] * w
          a2 += h2[j] * w
          a3 += h3[j] * w
          offset += rowBytes
        }
        let out = UnsafeMutableRawPointer(logits + token * paddedExperts + vector * lanes)
        let rowStride = paddedExperts * 4
        out.storeBytes(of: a0, as: Vector.self)
        out.storeBytes(of: a1, toByteOffset: rowStride, as: Vector.self)
        out.storeBytes(of: a2, toByteOffset: 2 * rowStride, as: Vector.self)
        out.storeBytes(of: a3, toByteOffset: 3 * rowStride, as: Vector.self)
      }
      token += tileTokens
    }
    while token < tokens {
      let h = hidden + token * dim
      for vector in 0..<vectors {
        var accumulator = UnsafeRawPointer(bias).loadUnaligned(
          fromByteOffset: vector * lanes * 4, as: Vector.self)
        for j in 0..<dim {
          let w = weightVectors.loadUnaligned(
            fromByteOffset: (j * paddedExperts + vector * lanes) * 4, as: Vector.self)
          accumulator += h[j] * w
        }
        UnsafeMutableRawPointer(logits + token * paddedExperts + vector * lanes)
          .storeBytes(of: accumulator, as: Vector.self)
      }
      token += 1
    }
  }
}
