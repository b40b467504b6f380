/// Spread of per-expert (or per-device) loads.
public struct LoadStatistics: Sendable, Equatable {
  public var minimum: Double
  public var maximum: Double
  public var mean: Double
  /// `max / mean`: 1 at perfect balance; the straggler factor when loads are work.
  public var maxOverMean: Double
  /// Coefficient of variation, `σ / mean`, with the population standard deviation.
  public var coefficientOfVariation: Double

  /// Statistics of `loads`; an all-zero load reads as perfectly balanced (ratio 1, CV 0).
  public init(_ loads: some Collection<Int32>) {
    var minimum = Int32.max, maximum = Int32.min
    var sum = 0.0
    for load in loads {
      minimum = min(minimum, load)
      maximum = max(maximum, load)
      sum += Double(load)
    }
    let count = Double(loads.count)
    mean = sum / count
    var squares = 0.0
    for load in loads {
      let deviation = Double(load) - mean
      squares += deviation * deviation
    }
    self.minimum = Double(minimum)
    self.maximum = Double(maximum)
    maxOverMean = mean > 0 ? Double(maximum) / mean : 1
    coefficientOfVariation = mean > 0 ? (squares / count).squareRoot() / mean : 0
  }
}
