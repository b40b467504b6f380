/// A bracketed root search for `statistic(x) = target` over a range on which the statistic
/// rises: the Illinois variant of regula falsi (Dowell & Jarratt 1971, *BIT* 11, "A modified
/// regula falsi method for computing the root of an equation"), which keeps the root bracketed
/// and converges superlinearly on smooth functions. A simulated statistic is a step function of
/// its knob (counts change by whole tokens), so the search also stops when the bracket is
/// narrower than a thousandth of the range, or after `maxEvaluations`.
struct FitSearch {
  var range: ClosedRange<Double>
  var target: Double
  var tolerance: Double
  var maxEvaluations = 8

  struct Outcome {
    var value: Double
    /// The statistic at `value`.
    var statistic: Double
    var evaluations: Int
    /// The target lies outside what the range reaches: the closest end is returned.
    var atBound: Bool
  }

  /// Searches; `evaluate(x)` is the statistic at knob value `x`.
  func solve(_ evaluate: (Double) throws -> Double) rethrows -> Outcome {
    let low = range.lowerBound
    let high = range.upperBound
    let atLow = try evaluate(low)
    if atLow >= target - tolerance {
      return Outcome(
        value: low, statistic: atLow, evaluations: 1, atBound: atLow > target + tolerance)
    }
    let atHigh = try evaluate(high)
    if atHigh <= target + tolerance {
      return Outcome(
        value: high, statistic: atHigh, evaluations: 2, atBound: atHigh < target - tolerance)
    }
    var a = low
    var fa = atLow - target
    var b = high
    var fb = atHigh - target
    var best = abs(fa) < abs(fb) ? (low, atLow) : (high, atHigh)
    var evaluations = 2
    var lastMoved = 0  // -1: a moved last, +1: b moved last
    while evaluations < maxEvaluations && b - a > (high - low) / 1000 {
      var x = b - fb * (b - a) / (fb - fa)
      // Keep strictly inside the bracket so that it shrinks every time.
      let margin = (b - a) / 100
      x = min(max(x, a + margin), b - margin)
      let value = try evaluate(x)
      evaluations += 1
      let residual = value - target
      if abs(residual) < abs(best.1 - target) { best = (x, value) }
      if abs(residual) <= tolerance { break }
      if residual > 0 {
        b = x
        fb = residual
        if lastMoved == 1 { fa /= 2 }
        lastMoved = 1
      } else {
        a = x
        fa = residual
        if lastMoved == -1 { fb /= 2 }
        lastMoved = -1
      }
    }
    return Outcome(value: best.0, statistic: best.1, evaluations: evaluations, atBound: false)
  }
}
