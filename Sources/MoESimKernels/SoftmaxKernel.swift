/// The softmax statistics of a block of router logit rows, vectorised: each row is replaced by
/// its probabilities `p = softmax(logits)`, and the block's sums of `p` per expert, of
/// `logsumexp²` (for the z-loss) and of the entropy are accumulated.
public enum SoftmaxKernel {
  public typealias Vector = SIMD16<Float>

  /// Sums over a block that the router adds to its step totals.
  public struct BlockSums: Sendable {
    /// Σ over tokens of logsumexp(logits)².
    public var squaredLogSumExp: Double = 0
    /// Σ over tokens of the entropy of the softmax distribution, nats.
    public var entropy: Double = 0
    public init() {}
  }

  /// - Parameters:
  ///   - logits: `tokens` rows of stride `stride` (a multiple of 16); the first `experts`
  ///     entries of each row are used and become probabilities, the padding becomes 0.
  ///   - maxima: each row's largest logit (from top-k selection, which has already scanned it).
  ///   - probabilitySums: `stride` running sums of each expert's probability.
  @inlinable @inline(__always)
  public static func apply(
    logits: UnsafeMutablePointer<Float>, stride: Int, tokens: Int, experts: Int,
    maxima: UnsafePointer<Float>, probabilitySums: UnsafeMutablePointer<Float>,
    sums: inout BlockSums
  ) {
    let vectors = stride / 16
    let lastValid = experts - (vectors - 1) * 16
    // 1 for the valid lanes of the last vector, 0 for its padding (whose logits are exactly 0:
    // padded weight columns and biases are zero).
    var lastMask = Vector()
    for lane in 0..<lastValid { lastMask[lane] = 1 }
    let sumsRaw = UnsafeMutableRawPointer(probabilitySums)
    withUnsafeTemporaryAllocation(byteCount: 64, alignment: 64) { buffer in
      applyToGroups(
        logits: logits, stride: stride, tokens: tokens, vectors: vectors, lastMask: lastMask,
        rowsShareVectors: vectors == 1 && lastValid <= 8, maxima: maxima, sumsRaw: sumsRaw,
        sums: &sums, inverses: buffer.baseAddress!)
    }
  }

  /// `apply` from the masks on, with 64 bytes of working memory for each group's inverses.
  @_transparent @usableFromInline
  static func applyToGroups(
    logits: UnsafeMutablePointer<Float>, stride: Int, tokens: Int, vectors: Int, lastMask: Vector,
    rowsShareVectors: Bool, maxima: UnsafePointer<Float>, sumsRaw: UnsafeMutableRawPointer,
    sums: inout BlockSums, inverses: UnsafeMutableRawPointer
  ) {
    // For rows of at most 8 experts (one vector, half padding), two rows share a vector.
    let sharedMask = Vector(lowHalf: lastMask.lowHalf, highHalf: lastMask.lowHalf)
    var first = 0
    while first < tokens {
      // Sixteen rows at a time, so that their logarithms take one vector `log`.
      let rows = min(16, tokens - first)
      var totals = Vector(repeating: 1)
      var meanLogits = Vector()
      // Two rows at once (the second repeats the first when `rows` is odd), each with its own
      // sums in the same order as alone: two independent chains of exponentials keep both
      // vector units busy where one row's would wait on its own latencies.
      var offset = 0
      while rowsShareVectors && offset < rows {
        // Row `offset` in the low 8 lanes, row `other` in the high 8: each lane computes what
        // it would alone, and each row's 8-lane sums are its 16-lane sums' bits (`LaneMath`).
        let other = min(offset &+ 1, rows &- 1)
        let row = UnsafeMutableRawPointer(logits + (first &+ offset) &* stride)
        let otherRow = UnsafeMutableRawPointer(logits + (first &+ other) &* stride)
        let logit = Vector(
          lowHalf: row.loadUnaligned(as: SIMD8<Float>.self),
          highHalf: otherRow.loadUnaligned(as: SIMD8<Float>.self))
        let maximum = Vector(
          lowHalf: SIMD8(repeating: maxima[first &+ offset]),
          highHalf: SIMD8(repeating: maxima[first &+ other]))
        let exponential = VectorExp.exp(logit - maximum) * sharedMask
        let weighted = Vector().addingProduct(exponential, logit)
        row.storeBytes(of: exponential.lowHalf, as: SIMD8<Float>.self)
        row.storeBytes(of: SIMD8<Float>(), toByteOffset: 32, as: SIMD8<Float>.self)
        otherRow.storeBytes(of: exponential.highHalf, as: SIMD8<Float>.self)
        otherRow.storeBytes(of: SIMD8<Float>(), toByteOffset: 32, as: SIMD8<Float>.self)
        let rowTotal = LaneMath.sum(exponential.lowHalf)
        let otherRowTotal = LaneMath.sum(exponential.highHalf)
        totals[offset] = rowTotal
        totals[other] = otherRowTotal
        meanLogits[offset] = LaneMath.sum(weighted.lowHalf) / rowTotal
        meanLogits[other] = LaneMath.sum(weighted.highHalf) / otherRowTotal
        offset &+= 2
      }
      while offset < rows {
        let other = min(offset &+ 1, rows &- 1)
        let row = UnsafeMutableRawPointer(logits + (first &+ offset) &* stride)
        let otherRow = UnsafeMutableRawPointer(logits + (first &+ other) &* stride)
        let maximum = Vector(repeating: maxima[first &+ offset])
        let otherMaximum = Vector(repeating: maxima[first &+ other])
        var total = Vector(), otherTotal = Vector()
        var weighted = Vector(), otherWeighted = Vector()
        for vector in 0..<vectors {
          let logit = row.loadUnaligned(fromByteOffset: vector &* 64, as: Vector.self)
          let otherLogit = otherRow.loadUnaligned(fromByteOffset: vector &* 64, as: Vector.self)
          var exponential = VectorExp.exp(logit - maximum)
          var otherExponential = VectorExp.exp(otherLogit - otherMaximum)
          if vector == vectors - 1 {
            exponential *= lastMask
            otherExponential *= lastMask
          }
          total += exponential
          otherTotal += otherExponential
          weighted = weighted.addingProduct(exponential, logit)
          otherWeighted = otherWeighted.addingProduct(otherExponential, otherLogit)
          row.storeBytes(of: exponential, toByteOffset: vector &* 64, as: Vector.self)
          otherRow.storeBytes(of: otherExponential, toByteOffset: vector &* 64, as: Vector.self)
        }
        let rowTotal = LaneMath.sum(total)
        let otherRowTotal = LaneMath.sum(otherTotal)
        totals[offset] = rowTotal
        totals[other] = otherRowTotal
        // Σ p_i · logit_i.
        meanLogits[offset] = LaneMath.sum(weighted) / rowTotal
        meanLogits[other] = LaneMath.sum(otherWeighted) / otherRowTotal
        offset &+= 2
      }
      // Divided once per row (IEEE division rounds as the scalar one would), and kept in memory:
      // left in a register, the optimiser re-divides the lane at every use.
      inverses.storeBytes(of: Vector(repeating: 1) / totals, as: Vector.self)
      // Column by column, so that each expert's running sum stays in a register over the rows
      // (added in row order, as row by row would).
      let group = UnsafeMutableRawPointer(logits + first * stride)
      let rowBytes = stride &* 4
      for vector in 0..<vectors {
        var running = sumsRaw.loadUnaligned(fromByteOffset: vector &* 64, as: Vector.self)
        var at = vector &* 64
        for offset in 0..<rows {
          let probability =
            group.loadUnaligned(fromByteOffset: at, as: Vector.self)
            * Vector(repeating: inverses.load(fromByteOffset: offset &* 4, as: Float.self))
          group.storeBytes(of: probability, toByteOffset: at, as: Vector.self)
          running += probability
          at &+= rowBytes
        }
        sumsRaw.storeBytes(of: running, toByteOffset: vector &* 64, as: Vector.self)
      }
      let logTotals = VectorLog.log(totals)
      for offset in 0..<rows {
        let logSumExp = Double(maxima[first + offset]) + Double(logTotals[offset])
        sums.squaredLogSumExp += logSumExp * logSumExp
        // Entropy of a softmax: H = logsumexp − Σ p_i · logit_i.
        sums.entropy += logSumExp - Double(meanLogits[offset])
      }
      first += rows
    }
  }
}
