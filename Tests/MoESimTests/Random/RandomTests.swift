import Foundation
import Testing

@testable import MoESim

@Suite struct RandomTests {
  @Test func splitMix64MatchesPublishedVector() {
    // SplitMix64 with seed 1234567: the reference outputs also computed by an independent
    // Python implementation of Vigna's splitmix64.c.
    var generator = SplitMix64(seed: 1_234_567)
    #expect(generator.next() == 6_457_827_717_110_365_317)
    #expect(generator.next() == 3_203_168_211_198_807_973)
    #expect(generator.next() == 9_817_491_932_198_370_423)
  }

  @Test func xoshiroMatchesIndependentImplementation() {
    // Expected values from an independent Python transcription of xoshiro256starstar.c,
    // seeded through SplitMix64(42) as in the reference.
    var generator = Xoshiro256StarStar(seed: 42)
    let expected: [UInt64] = [
      1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009,
      17_057_574_109_182_124_193,
    ]
    for value in expected { #expect(generator.next() == value) }
  }

  @Test func streamsDifferByEveryKeyComponent() {
    var base = RandomStream.make(seed: 1, .tokens, 0, 0)
    var otherStep = RandomStream.make(seed: 1, .tokens, 1, 0)
    var otherBlock = RandomStream.make(seed: 1, .tokens, 0, 1)
    var otherPurpose = RandomStream.make(seed: 1, .routerWeights, 0, 0)
    var otherSeed = RandomStream.make(seed: 2, .tokens, 0, 0)
    let first = base.next()
    #expect(Set([first, otherStep.next(), otherBlock.next(), otherPurpose.next(), otherSeed.next()]).count == 5)
    var again = RandomStream.make(seed: 1, .tokens, 0, 0)
    #expect(again.next() == first)
  }

  @Test func normalSamplerHasUnitMoments() {
    var generator = RandomStream.make(seed: 7, .tokens, 0)
    var values = [Float](repeating: 0, count: 200_000)
    values.withUnsafeMutableBufferPointer { NormalSampler.fill($0, scale: 1, using: &generator) }
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
      / Double(values.count)
    let fourth = values.reduce(0.0) { $0 + pow(Double($1) - mean, 4) } / Double(values.count)
    // Standard errors at n = 200 000: mean 0.0022, variance 0.0032, kurtosis ≈ 0.011.
    #expect(abs(mean) < 0.01)
    #expect(abs(variance - 1) < 0.015)
    #expect(abs(fourth / (variance * variance) - 3) < 0.06)
  }

  /// The ziggurat's strips: the last edge meets 0, and every strip has the area v (the base strip:
  /// rectangle r·f(r) plus the tail ∫_r^∞ f = √(π/2)·erfc(r/√2)).
  @Test func zigguratStripsHaveEqualArea() {
    let table = NormalSampler.Table()
    #expect(abs(table.x[255]) < 0.3 && table.x[256] == 0)
    let v = NormalSampler.stripArea
    let tail = (Double.pi / 2).squareRoot() * erfc(NormalSampler.tailStart / 2.0.squareRoot())
    #expect(abs(NormalSampler.tailStart * table.f[1] + tail - v) < 1e-9)
    for i in 1..<255 {
      #expect(abs(table.x[i] * (table.f[i + 1] - table.f[i]) - v) < 1e-9)
    }
  }

  /// Empirical CDF of 1 000 000 draws against Φ (Φ(z) = erfc(−z/√2)/2) at points across the
  /// body, the wedge region and the tail beyond r = 3.654; the bound is 5 standard errors.
  @Test func normalSamplerFollowsTheNormalCDF() {
    var generator = RandomStream.make(seed: 8, .tokens, 0)
    let count = 1_000_000
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer { NormalSampler.fill($0, scale: 1, using: &generator) }
    for point in [-3.8, -2.5, -1.0, -0.2, 0.0, 0.7, 1.9, 3.0, 3.7] {
      let expected = erfc(-point / 2.0.squareRoot()) / 2
      let observed = Double(values.filter { Double($0) <= point }.count) / Double(count)
      let standardError = (expected * (1 - expected) / Double(count)).squareRoot()
      #expect(abs(observed - expected) < 5 * standardError + 1e-7, "at \(point)")
    }
    // The tail algorithm alone: E[|z| | |z| > r] = φ(r) / Q(r) with Q(r) = erfc(r/√2)/2;
    // the excess over r has a standard deviation below 1/r, hence the bound on 5 standard errors.
    let r = NormalSampler.tailStart
    let tail = values.map { abs(Double($0)) }.filter { $0 > r }
    let expectedMean = Foundation.exp(-r * r / 2) / (2 * Double.pi).squareRoot()
      / (erfc(r / 2.0.squareRoot()) / 2)
    let observedMean = tail.reduce(0, +) / Double(tail.count)
    #expect(abs(observedMean - expectedMean) < 5 / r / Double(tail.count).squareRoot())
  }

  @Test func zipfFrequenciesFollowThePowerLaw() {
    let sampler = ZipfSampler(count: 1000, exponent: 1.1)
    // Harmonic number H(1000, 1.1) by direct summation, independent of the sampler's table.
    let harmonic = (1...1000).reduce(0.0) { $0 + pow(Double($1), -1.1) }
    #expect(abs(sampler.probability(of: 0) - 1 / harmonic) < 1e-12)
    #expect(abs(sampler.probability(of: 9) - pow(10, -1.1) / harmonic) < 1e-12)
    var generator = RandomStream.make(seed: 3, .tokens, 0)
    var counts = [Int](repeating: 0, count: 1000)
    let draws = 400_000
    for _ in 0..<draws { counts[sampler.sample(using: &generator)] += 1 }
    for rank in [0, 1, 4, 9, 99] {
      let expected = pow(Double(rank + 1), -1.1) / harmonic * Double(draws)
      // Within 5 standard deviations of the binomial count.
      #expect(abs(Double(counts[rank]) - expected) < 5 * expected.squareRoot(), "rank \(rank)")
    }
  }

  /// The branch-free search returns exactly the smallest rank whose cumulative probability
  /// exceeds the draw, found here by a linear scan, for every table size from 1 to 40.
  @Test func zipfSampleInvertsTheCumulativeExactly() {
    var generator = RandomStream.make(seed: 4, .tokens, 0)
    for count in 1...40 {
      let sampler = ZipfSampler(count: count, exponent: Double(count % 3))
      for _ in 0..<200 {
        var copy = generator
        let uniform = copy.nextUnitDouble()
        let expected = sampler.cumulative.firstIndex { $0 > uniform }
        #expect(sampler.sample(using: &generator) == expected, "count \(count)")
      }
    }
  }

  @Test func zipfWithExponentZeroIsUniform() {
    let sampler = ZipfSampler(count: 4, exponent: 0)
    for rank in 0..<4 { #expect(abs(sampler.probability(of: rank) - 0.25) < 1e-15) }
  }
}
