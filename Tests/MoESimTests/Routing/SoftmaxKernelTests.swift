import Foundation
import MoESimKernels
import Testing

@testable import MoESim

@Suite struct SoftmaxKernelTests {
  /// Every variant turns each row into its own softmax (rows go two at a time, the last one
  /// alone when the count is odd, in groups of 16), sums each expert's probabilities, the
  /// squared logsumexps and the entropies as a double-precision reference does, zeroes the
  /// padding, and all variants give the same bits.
  @Test(arguments: [1, 2, 3, 16, 17, 37], [5, 16, 40])
  func everyVariantMatchesADoublePrecisionSoftmax(tokens: Int, experts: Int) {
    var generator = Xoshiro256StarStar(seed: 41)
    let stride = (experts + 15) / 16 * 16
    // Rows of different scales, so that a row mixed up with its neighbour shows.
    var logits = [Float](repeating: 0, count: tokens * stride)
    for token in 0..<tokens {
      for expert in 0..<experts {
        let draw = Float(Int64(bitPattern: generator.next()) >> 40) / Float(1 << 23)
        logits[token * stride + expert] = draw * Float(1 + token % 5)
      }
    }
    let maxima = (0..<tokens).map { logits[$0 * stride..<$0 * stride + experts].max()! }
    var expected = [Double](repeating: 0, count: tokens * stride)
    var expectedSums = [Double](repeating: 0, count: experts)
    var squaredLogSumExp = 0.0
    var entropy = 0.0
    for token in 0..<tokens {
      let row = (0..<experts).map { Double(logits[token * stride + $0]) }
      let total = row.reduce(0) { $0 + Foundation.exp($1 - Double(maxima[token])) }
      let logSumExp = Double(maxima[token]) + Foundation.log(total)
      squaredLogSumExp += logSumExp * logSumExp
      for expert in 0..<experts {
        let probability = Foundation.exp(row[expert] - logSumExp)
        expected[token * stride + expert] = probability
        expectedSums[expert] += probability
        entropy -= probability * Foundation.log(probability)
      }
    }
    var firstBits: [UInt32]?
    for kernels in KernelSet.available {
      var rows = logits
      var probabilitySums = [Float](repeating: 0, count: stride)
      var sums = SoftmaxKernel.BlockSums()
      kernels.softmax(&rows, stride, tokens, experts, maxima, &probabilitySums, &sums)
      for index in rows.indices {
        #expect(
          abs(Double(rows[index]) - expected[index]) <= 1e-6 * max(expected[index], 1e-3),
          "\(kernels.name): token \(index / stride), expert \(index % stride)")
      }
      for expert in 0..<experts {
        #expect(abs(Double(probabilitySums[expert]) - expectedSums[expert]) < 1e-5)
      }
      #expect(abs(sums.squaredLogSumExp - squaredLogSumExp) < 1e-5 * max(1, squaredLogSumExp))
      #expect(abs(sums.entropy - entropy) < 1e-5 * Double(tokens))
      let bits = rows.map(\.bitPattern) + probabilitySums.map(\.bitPattern)
      if let firstBits {
        #expect(bits == firstBits, "\(kernels.name) differs from the first variant")
      } else {
        firstBits = bits
      }
    }
  }
}
