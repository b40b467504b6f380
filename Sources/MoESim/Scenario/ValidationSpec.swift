/// One published measurement a scenario is checked against: the figure, where it was published,
/// and whether the time model is claimed to reproduce it or only to bound it.
public struct ValidationEntry: Sendable, Equatable, Encodable {
  /// What the model claims about the measurement.
  public enum Expectation: String, Sendable, CaseIterable, Encodable {
    /// The prediction is within `ValidationEntry.matchBand` of the measurement.
    case match
    /// The model is a roofline here: it is at least as fast as the measurement (a rate at or
    /// above it, a time at or below it), by the ratio the scenario's header records.
    case bound
  }

  /// The figure compared (`ValidationMetric`: its unit and where the prediction comes from).
  public var metric: ValidationMetric
  /// The published figure, in the metric's unit.
  public var measured: Double
  /// Where the figure is published (title and section, or URL).
  public var source: String
  public var expect: Expectation

  /// Predicted / measured ratios an `expect: "match"` entry claims.
  public static let matchBand = 0.85...1.15

  public init(
    metric: ValidationMetric, measured: Double, source: String, expect: Expectation = .match
  ) {
    self.metric = metric
    self.measured = measured
    self.source = source
    self.expect = expect
  }

  /// Whether `ratio` (predicted / measured) is what the entry claims.
  public func holds(ratio: Double) -> Bool {
    switch expect {
    case .match: return Self.matchBand.contains(ratio)
    case .bound: return metric.fasterIsHigher ? ratio >= 1 : ratio <= 1
    }
  }
}

extension ValidationEntry {
  /// The keys of one validation object in a scenario file.
  static let keys = ScenarioKeys.names(in: "validation[]")

  init(reading reader: inout ScenarioReader) throws {
    metric = try reader.choice("metric")
    measured = try reader.double("measured", allowed: "> 0", where: { $0 > 0 })
    source = try reader.required("source", try reader.optionalString("source"))
    expect = try reader.choice("expect", default: .match)
  }

  /// `validation`: one object or a list of them; nil when absent. The metrics need the time
  /// model (`cluster.device`), and the all-to-all ones a placement.
  static func read(_ reader: inout ScenarioReader, cluster: ClusterSpec) throws
    -> [ValidationEntry]?
  {
    guard let value = reader.raw("validation") else { return nil }
    let file = reader.file
    let path = reader.path(of: "validation")
    let entries: [ValidationEntry]
    if case .array(let elements) = value {
      entries = try elements.enumerated().map { index, element in
        try ScenarioReader.read(element, file: file, path: "\(path)[\(index)]", keys: keys) {
          try ValidationEntry(reading: &$0)
        }
      }
    } else {
      entries = [
        try ScenarioReader.read(value, file: file, path: path, keys: keys) {
          try ValidationEntry(reading: &$0)
        }
      ]
    }
    if cluster.device == nil {
      throw reader.error(
        "validation",
        .outOfRange(
          value: value.rendered, allowed: "absent without cluster.device (no time model)"))
    }
    if cluster.placement == nil, let entry = entries.first(where: { $0.metric.needsPlacement }) {
      throw reader.error(
        "validation",
        .outOfRange(
          value: "\"\(entry.metric.rawValue)\"",
          allowed: "a metric other than the all-to-all ones without cluster.placement"))
    }
    return entries
  }
}
