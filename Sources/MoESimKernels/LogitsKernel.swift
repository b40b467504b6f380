/// The router logits of a block of tokens, `logits = H · W + b`: the hot loop of a run,
/// `d × E` multiply-adds per token and layer.
///
/// Register-blocked: a tile of tokens × SIMD vectors of experts is accumulated in registers over
/// the whole hidden dimension, so each weight vector is loaded once per tile and each hidden
/// value is broadcast once per tile row. Each output accumulates `j = 0 ..< d` in order with
/// fused multiply-adds, each rounded once as IEEE 754 prescribes (FMA3 on x86-64 with AVX2 or
/// AVX-512, `fmla` on arm64, the C library's correctly rounded `fmaf` on the x86-64 baseline),
/// so every tile shape and every instruction set gives bit-identical logits.
public enum LogitsKernel {
  public typealias Vector = SIMD16<Float>
  /// Experts per SIMD vector; logits and weight rows are padded to a multiple of this.
  public static let lanes = Vector.scalarCount

  /// - Parameters:
  ///   - hidden: `tokens × dim`, row-major.
  ///   - weights: `dim × paddedExperts`, row-major; `bias`: `paddedExperts`.
  ///   - logits: `tokens × paddedExperts` output, row-major.
  ///   - wideTiles: 6 tokens × 4 vectors per tile (the last tile of a block may repeat its last
  ///     token), for instruction sets with 32 vector registers (AVX-512); otherwise 2 tokens ×
  ///     1 vector, which fits 16 registers.
  @inlinable @inline(__always)
  public static func compute(
    hidden: UnsafePointer<Float>, tokens: Int, dim: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, paddedExperts: Int,
    logits: UnsafeMutablePointer<Float>, wideTiles: Bool
  ) {
    let vectors = paddedExperts / lanes
    let rowBytes = paddedExperts * 4
    let w = UnsafeRawPointer(weights)
    let b = UnsafeRawPointer(bias)
    let out = UnsafeMutableRawPointer(logits)
    var token = 0
    if wideTiles {
      // 6 tokens × 4 vectors: 24 accumulators and 4 weight vectors of the 32 registers. The
      // last tile may hold fewer tokens: its missing rows repeat its last token, computing and
      // storing that token's logits again (the same bits), which costs less than narrow tiles.
      while token < tokens {
        let last = min(5, tokens - token - 1)
        let h0 = hidden + token * dim
        let h1 = h0 + min(1, last) * dim
        let h2 = h0 + min(2, last) * dim
        let h3 = h0 + min(3, last) * dim
        let h4 = h0 + min(4, last) * dim
        let h5 = h0 + last * dim
        let r1 = min(1, last) * rowBytes
        let r2 = min(2, last) * rowBytes
        let r3 = min(3, last) * rowBytes
        let r4 = min(4, last) * rowBytes
        let r5 = last * rowBytes
        let outRow = out + token * rowBytes
        var vector = 0
        while vector + 4 <= vectors {
          let column = vector * lanes * 4
          let b0 = b.loadUnaligned(fromByteOffset: column + 0, as: Vector.self)
          let b1 = b.loadUnaligned(fromByteOffset: column + 64, as: Vector.self)
          let b2 = b.loadUnaligned(fromByteOffset: column + 128, as: Vector.self)
          let b3 = b.loadUnaligned(fromByteOffset: column + 192, as: Vector.self)
          var a00 = b0
          var a01 = b1
          var a02 = b2
          var a03 = b3
          var a10 = b0
          var a11 = b1
          var a12 = b2
          var a13 = b3
          var a20 = b0
          var a21 = b1
          var a22 = b2
          var a23 = b3
          var a30 = b0
          var a31 = b1
          var a32 = b2
          var a33 = b3
          var a40 = b0
          var a41 = b1
          var a42 = b2
          var a43 = b3
          var a50 = b0
          var a51 = b1
          var a52 = b2
          var a53 = b3
          var offset = column
          for j in 0..<dim {
            let w0 = w.loadUnaligned(fromByteOffset: offset &+ 0, as: Vector.self)
            let w1 = w.loadUnaligned(fromByteOffset: offset &+ 64, as: Vector.self)
            let w2 = w.loadUnaligned(fromByteOffset: offset &+ 128, as: Vector.self)
            let w3 = w.loadUnaligned(fromByteOffset: offset &+ 192, as: Vector.self)
            let x0 = h0[j]
            a00 = a00.addingProduct(x0, w0)
            a01 = a01.addingProduct(x0, w1)
            a02 = a02.addingProduct(x0, w2)
            a03 = a03.addingProduct(x0, w3)
            let x1 = h1[j]
            a10 = a10.addingProduct(x1, w0)
            a11 = a11.addingProduct(x1, w1)
            a12 = a12.addingProduct(x1, w2)
            a13 = a13.addingProduct(x1, w3)
            let x2 = h2[j]
            a20 = a20.addingProduct(x2, w0)
            a21 = a21.addingProduct(x2, w1)
            a22 = a22.addingProduct(x2, w2)
            a23 = a23.addingProduct(x2, w3)
            let x3 = h3[j]
            a30 = a30.addingProduct(x3, w0)
            a31 = a31.addingProduct(x3, w1)
            a32 = a32.addingProduct(x3, w2)
            a33 = a33.addingProduct(x3, w3)
            let x4 = h4[j]
            a40 = a40.addingProduct(x4, w0)
            a41 = a41.addingProduct(x4, w1)
            a42 = a42.addingProduct(x4, w2)
            a43 = a43.addingProduct(x4, w3)
            let x5 = h5[j]
            a50 = a50.addingProduct(x5, w0)
            a51 = a51.addingProduct(x5, w1)
            a52 = a52.addingProduct(x5, w2)
            a53 = a53.addingProduct(x5, w3)
            offset &+= rowBytes
          }
          let o = outRow + column
          o.storeBytes(of: a00, toByteOffset: 0, as: Vector.self)
          o.storeBytes(of: a01, toByteOffset: 64, as: Vector.self)
          o.storeBytes(of: a02, toByteOffset: 128, as: Vector.self)
          o.storeBytes(of: a03, toByteOffset: 192, as: Vector.self)
          o.storeBytes(of: a10, toByteOffset: r1 + 0, as: Vector.self)
          o.storeBytes(of: a11, toByteOffset: r1 + 64, as: Vector.self)
          o.storeBytes(of: a12, toByteOffset: r1 + 128, as: Vector.self)
          o.storeBytes(of: a13, toByteOffset: r1 + 192, as: Vector.self)
          o.storeBytes(of: a20, toByteOffset: r2 + 0, as: Vector.self)
          o.storeBytes(of: a21, toByteOffset: r2 + 64, as: Vector.self)
          o.storeBytes(of: a22, toByteOffset: r2 + 128, as: Vector.self)
          o.storeBytes(of: a23, toByteOffset: r2 + 192, as: Vector.self)
          o.storeBytes(of: a30, toByteOffset: r3 + 0, as: Vector.self)
          o.storeBytes(of: a31, toByteOffset: r3 + 64, as: Vector.self)
          o.storeBytes(of: a32, toByteOffset: r3 + 128, as: Vector.self)
          o.storeBytes(of: a33, toByteOffset: r3 + 192, as: Vector.self)
          o.storeBytes(of: a40, toByteOffset: r4 + 0, as: Vector.self)
          o.storeBytes(of: a41, toByteOffset: r4 + 64, as: Vector.self)
          o.storeBytes(of: a42, toByteOffset: r4 + 128, as: Vector.self)
          o.storeBytes(of: a43, toByteOffset: r4 + 192, as: Vector.self)
          o.storeBytes(of: a50, toByteOffset: r5 + 0, as: Vector.self)
          o.storeBytes(of: a51, toByteOffset: r5 + 64, as: Vector.self)
          o.storeBytes(of: a52, toByteOffset: r5 + 128, as: Vector.self)
          o.storeBytes(of: a53, toByteOffset: r5 + 192, as: Vector.self)
          vector += 4
        }
        // Vectors left over: 6 tokens × 1 vector.
        while vector < vectors {
          let column = vector * lanes * 4
          let b0 = b.loadUnaligned(fromByteOffset: column, as: Vector.self)
          var (a0, a1, a2, a3, a4, a5) = (b0, b0, b0, b0, b0, b0)
          var offset = column
          for j in 0..<dim {
            let w0 = w.loadUnaligned(fromByteOffset: offset, as: Vector.self)
            a0 = a0.addingProduct(h0[j], w0)
            a1 = a1.addingProduct(h1[j], w0)
            a2 = a2.addingProduct(h2[j], w0)
            a3 = a3.addingProduct(h3[j], w0)
            a4 = a4.addingProduct(h4[j], w0)
            a5 = a5.addingProduct(h5[j], w0)
            offset &+= rowBytes
          }
          let o = outRow + column
          o.storeBytes(of: a0, as: Vector.self)
          o.storeBytes(of: a1, toByteOffset: r1, as: Vector.self)
          o.storeBytes(of: a2, toByteOffset: r2, as: Vector.self)
          o.storeBytes(of: a3, toByteOffset: r3, as: Vector.self)
          o.storeBytes(of: a4, toByteOffset: r4, as: Vector.self)
          o.storeBytes(of: a5, toByteOffset: r5, as: Vector.self)
          vector += 1
        }
        token += last + 1
      }
    }
    while token + 2 <= tokens {
      let h0 = hidden + token * dim
      let h1 = h0 + dim
      let outRow = out + token * rowBytes
      for vector in 0..<vectors {
        let column = vector * lanes * 4
        let b0 = b.loadUnaligned(fromByteOffset: column, as: Vector.self)
        var a0 = b0
        var a1 = b0
        var offset = column
        for j in 0..<dim {
          let w0 = w.loadUnaligned(fromByteOffset: offset, as: Vector.self)
          a0 = a0.addingProduct(h0[j], w0)
          a1 = a1.addingProduct(h1[j], w0)
          offset &+= rowBytes
        }
        (outRow + column).storeBytes(of: a0, as: Vector.self)
        (outRow + column).storeBytes(of: a1, toByteOffset: rowBytes, as: Vector.self)
      }
      token += 2
    }
    while token < tokens {
      let h0 = hidden + token * dim
      let outRow = out + token * rowBytes
      for vector in 0..<vectors {
        let column = vector * lanes * 4
        var a0 = b.loadUnaligned(fromByteOffset: column, as: Vector.self)
        var offset = column
        for j in 0..<dim {
          a0 = a0.addingProduct(h0[j], w.loadUnaligned(fromByteOffset: offset, as: Vector.self))
          offset &+= rowBytes
        }
        (outRow + column).storeBytes(of: a0, as: Vector.self)
      }
      token += 1
    }
  }
}
