import Foundation

/// Standard normal draws by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat Method
/// for Generating Random Variables", J. Stat. Software 5(8)), with 256 layers.
///
/// The density's right half is covered by 256 strips of equal area `v`: a base strip (a
/// rectangle up to `r` plus the tail beyond it) and 255 rectangles stacked above it. One 64-bit
/// draw picks a strip (8 bits), a sign (1 bit) and a position (53 bits); inside the part of a
/// rectangle that lies wholly under the curve (about 99 % of draws) that position is the result,
/// with no transcendental function. Otherwise the wedge test (one `exp`) or Marsaglia's tail
/// algorithm (two `log`s, Marsaglia 1964) decides, and a rejected draw starts again.
public enum NormalSampler {
  /// `r`, the start of the tail, and `v`, the area of each strip, for 256 strips (Marsaglia &
  /// Tsang 2000, section 2: r = 3.6541528853610088, v = 0.00492867323399).
  static let tailStart = 3.654_152_885_361_008_8
  static let stripArea = 0.004_928_673_233_99

  /// The strips: `x[i]` is the right edge of strip i (`x[0] = v / f(r)` is the base strip's
  /// pseudo-width, `x[1] = r`, decreasing to `x[256] = 0`) and `f[i] = exp(−x[i]² / 2)`.
  struct Table: Sendable {
    var x = [Double](repeating: 0, count: 257)
    var f = [Double](repeating: 0, count: 257)

    init() {
      let r = NormalSampler.tailStart, v = NormalSampler.stripArea
      let density = { (x: Double) in Foundation.exp(-0.5 * x * x) }
      x[0] = v / density(r)
      x[1] = r
      for i in 1..<255 { x[i + 1] = (-2 * Foundation.log(v / x[i] + density(x[i]))).squareRoot() }
      x[256] = 0
      for i in 0...256 { f[i] = density(x[i]) }
    }
  }

  static let table = Table()

  /// Fills `buffer` with independent N(0, 1) values scaled by `scale`.
  @inline(__always)
  public static func fill(
    _ buffer: UnsafeMutableBufferPointer<Float>, scale: Float,
    using generator: inout Xoshiro256StarStar
  ) {
    let table = Self.table
    table.x.withUnsafeBufferPointer { x in
      table.f.withUnsafeBufferPointer { f in
        for index in buffer.indices {
          buffer[index] = scale * Float(draw(x: x, f: f, using: &generator))
        }
      }
    }
  }

  /// One N(0, 1) value.
  public static func next(using generator: inout Xoshiro256StarStar) -> Double {
    let table = Self.table
    return table.x.withUnsafeBufferPointer { x in
      table.f.withUnsafeBufferPointer { f in draw(x: x, f: f, using: &generator) }
    }
  }

  @inline(__always)
  static func draw(
    x: UnsafeBufferPointer<Double>, f: UnsafeBufferPointer<Double>,
    using generator: inout Xoshiro256StarStar
  ) -> Double {
    while true {
      let bits = generator.next()
      let strip = Int(bits & 0xFF)
      let negative = bits & 0x100 != 0
      let position = Double(bits >> 11) * 0x1.0p-53 * x[strip]
      if position < x[strip + 1] {
        // The sign from bit 8 straight into the sign bit: a coin flip is no branch to predict.
        return Double(bitPattern: position.bitPattern | (bits & 0x100) << 55)
      }
      if strip == 0 {
        // The tail beyond r: Marsaglia (1964), accept r + a when 2b ≥ a² (a, b exponential).
        var a = 0.0
        var b = 0.0
        repeat {
          a = -Foundation.log(generator.nextOpenUnitDouble()) / tailStart
          b = -Foundation.log(generator.nextOpenUnitDouble())
        } while b + b < a * a
        return negative ? -(tailStart + a) : tailStart + a
      }
      // The wedge between the rectangle and the curve: a uniform height in the strip.
      let height = f[strip] + generator.nextUnitDouble() * (f[strip + 1] - f[strip])
      if height < Foundation.exp(-0.5 * position * position) {
        return negative ? -position : position
      }
    }
  }
}
