import MoESimKernels
import Testing

@testable import MoESim

@Suite struct LogitsKernelTests {
  /// Every variant and tile shape (6-token tiles, and last tiles of 1 to 5 tokens that repeat
  /// their last token; 2- and 1-token tiles; 4 vectors or fewer) gives the bits of a plain
  /// scalar loop: bias, then `fma(h_j, w_je, ·)` for j = 0 ..< d in order, and writes nothing
  /// past the last token.
  @Test(arguments: [16, 48, 64, 128], [1, 4, 5, 12, 37])
  func everyVariantMatchesAScalarFusedMultiplyAdd(paddedExperts: Int, tokens: Int) {
    var generator = Xoshiro256StarStar(seed: 31)
    func draw() -> Float { Float(Int64(bitPattern: generator.next()) >> 40) / 3e6 }
    let dim = 24
    let hidden = (0..<tokens * dim).map { _ in draw() }
    let weights = (0..<dim * paddedExperts).map { _ in draw() }
    let bias = (0..<paddedExperts).map { _ in draw() }
    var expected = [Float](repeating: 0, count: tokens * paddedExperts)
    for token in 0..<tokens {
      for expert in 0..<paddedExperts {
        var sum = bias[expert]
        for j in 0..<dim {
          sum = sum.addingProduct(hidden[token * dim + j], weights[j * paddedExperts + expert])
        }
        expected[token * paddedExperts + expert] = sum
      }
    }
    for kernels in KernelSet.available {
      // One row more than the tokens, which must stay untouched.
      var logits = [Float](repeating: .nan, count: (tokens + 1) * paddedExperts)
      kernels.logits(hidden, tokens, dim, weights, bias, paddedExperts, &logits)
      #expect(
        logits[..<(tokens * paddedExperts)].map(\.bitPattern) == expected.map(\.bitPattern),
        "\(kernels.name), \(paddedExperts) padded experts, \(tokens) tokens")
      let pastTheEnd = logits[(tokens * paddedExperts)...]
      #expect(pastTheEnd.allSatisfy { $0.isNaN }, "\(kernels.name)")
    }
  }
}
