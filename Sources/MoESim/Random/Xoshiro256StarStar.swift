/// xoshiro256** 1.0 (Blackman & Vigna 2018, prng.di.unimi.it/xoshiro256starstar.c): the
/// generator behind every random draw of a run. Small, fast, and seeded only through
/// `RandomStream`, so results never depend on scheduling or thread count.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  /// Seeds the four state words from SplitMix64, as the reference recommends.
  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
  }

  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let shifted = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= shifted
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// A uniform double in [0, 1) from the top 53 bits.
  @inline(__always)
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in (0, 1], never zero (safe for `log`).
  @inline(__always)
  public mutating func nextOpenUnitDouble() -> Double {
    Double((next() >> 11) + 1) * 0x1.0p-53
  }

  @inline(__always)
  private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 &- count))
  }
}
