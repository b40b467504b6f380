/// A straight line `y ≈ slope · x + intercept` fitted by least squares in relative error,
/// `Σ ((ŷ − y) / y)²`: each point weighted by `1 / y²`, so that a kernel's fast and slow
/// measurements count alike (the efficiency fits, `GroupedGemmFit` and `AttentionKernelFit`).
enum RelativeLeastSquares {
  /// The line through `points`; nil when fewer than two distinct `x` make it undetermined.
  static func line(_ points: [(x: Double, y: Double)]) -> (slope: Double, intercept: Double)? {
    var sww = 0.0
    var swx = 0.0
    var swxx = 0.0
    var swy = 0.0
    var swxy = 0.0
    for point in points {
      let weight = 1 / (point.y * point.y)
      sww += weight
      swx += weight * point.x
      swxx += weight * point.x * point.x
      swy += weight * point.y
      swxy += weight * point.x * point.y
    }
    let determinant = sww * swxx - swx * swx
    guard determinant > 0 else { return nil }
    return (
      (sww * swxy - swx * swy) / determinant, (swxx * swy - swx * swxy) / determinant
    )
  }
}
