import Foundation

/// Standard normal draws by the Box–Muller transform (Box & Muller 1958), two per pair of uniforms.
public enum NormalSampler {
  /// Fills `buffer` with independent N(0, 1) values scaled by `scale`.
  @inline(__always)
  public static func fill(
    _ buffer: UnsafeMutableBufferPointer<Float>, scale: Float,
    using generator: inout Xoshiro256StarStar
  ) {
    var index = 0
    let count = buffer.count
    while index < count {
      let radius = (-2 * log(generator.nextOpenUnitDouble())).squareRoot()
      let angle = 2 * Double.pi * generator.nextUnitDouble()
      buffer[index] = scale * Float(radius * cos(angle))
      if index + 1 < count { buffer[index + 1] = scale * Float(radius * sin(angle)) }
      index += 2
    }
  }

  /// One N(0, 1) value (the cosine half of a Box–Muller pair).
  public static func next(using generator: inout Xoshiro256StarStar) -> Double {
    let radius = (-2 * log(generator.nextOpenUnitDouble())).squareRoot()
    return radius * cos(2 * Double.pi * generator.nextUnitDouble())
  }
}
