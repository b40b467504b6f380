import Foundation

extension WorkloadSpec {
  /// The keys of a `WorkloadSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "workload")

  init(reading reader: inout ScenarioReader) throws {
    tokensPerStep = try reader.int(
      "tokens_per_step", default: 4096, in: 1...ScenarioLimits.tokensPerStep)
    steps = try reader.int("steps", default: 16, in: 1...Int.max)
    if reader.raw("sequences_per_step") != nil {
      if reader.raw("sequence_length") != nil {
        throw reader.error(
          "sequences_per_step",
          .outOfRange(
            value: reader.raw("sequences_per_step")?.rendered ?? "",
            allowed: "either sequences_per_step or sequence_length, not both"))
      }
      let sequences = try reader.int("sequences_per_step", in: 1...tokensPerStep)
      // Equal sequences of ⌈T / S⌉ tokens (the last may be shorter).
      sequenceLength = tokensPerStep / sequences + (tokensPerStep % sequences == 0 ? 0 : 1)
    } else {
      sequenceLength = try reader.int("sequence_length", default: 512, in: 1...Int.max)
    }
    vocabSize = try reader.int(
      "vocab_size", default: 32_768, in: 1...ScenarioLimits.workloadVocabulary)
    zipfExponent = try reader.double(
      "zipf_exponent", default: 1.1, allowed: "in 0...10", where: { (0...10).contains($0) })
    routerDim = try reader.int("router_dim", default: 64, in: 1...ScenarioLimits.routerDim)
    noise = try reader.double("noise", default: 0.5, allowed: "≥ 0", where: { $0 >= 0 })
    domainOffsetScale = try reader.double(
      "domain_offset_scale", default: 1, allowed: "≥ 0", where: { $0 >= 0 })
    contextScale = try reader.double(
      "context_scale", default: 0, allowed: "in 0...1e6", where: { (0...1e6).contains($0) })
    contextCorrelation = try reader.double(
      "context_correlation", default: 0.9, allowed: "in 0...1", where: { (0...1).contains($0) })
    contextRampLayers = try reader.int(
      "context_ramp_layers", default: 0, in: 0...ScenarioLimits.modelDimension)
    layerPersistence = try reader.double(
      "layer_persistence", default: 1, allowed: "in 0...1", where: { (0...1).contains($0) })
    let file = reader.file
    let parsed = try reader.optionalArray("domains") { element, path in
      try ScenarioReader.read(element, file: file, path: path, keys: DomainSpec.keys) {
        try DomainSpec(reading: &$0)
      }
    }
    domains = parsed ?? [DomainSpec(name: "general", weight: 1)]
    let domainsPath = reader.path(of: "domains")
    guard !domains.isEmpty else {
      throw ScenarioError(
        file: file, path: domainsPath,
        kind: .outOfRange(value: "[]", allowed: "at least one domain"))
    }
    guard domains.map(\.weight).reduce(0, +) > 0 else {
      throw ScenarioError(
        file: file, path: domainsPath,
        kind: .outOfRange(
          value: domains.map { String($0.weight) }.joined(separator: ", "),
          allowed: "weights whose sum is > 0"))
    }
    var seen: Set<String> = []
    for (index, domain) in domains.enumerated() where !seen.insert(domain.name).inserted {
      throw ScenarioError(
        file: file, path: "\(domainsPath)[\(index)].name",
        kind: .outOfRange(value: "\"\(domain.name)\"", allowed: "a name not used by another domain")
      )
    }
    domainSchedule = try Self.readSchedule(&reader, domains: domains)
    kind = try reader.choice("kind", default: .synthetic)
    if let path = try reader.optionalString("trace") {
      trace = Self.resolve(path, against: reader.file)
    }
    format = try reader.raw("format") == nil ? nil : reader.choice("format")
    if kind == .trace && trace == nil {
      throw reader.error("trace", .missingKey(reason: "workload.kind is \"trace\""))
    }
  }

  /// A relative trace path is read from the scenario file's folder (the working directory for
  /// the built-in scenario and `--set`).
  static func resolve(_ path: String, against file: String) -> String {
    guard !path.hasPrefix("/"), FileManager.default.fileExists(atPath: file) else { return path }
    return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
  }

  /// `domain_schedule: [{step, weights: {name: weight}}]`, steps strictly increasing from ≥ 0,
  /// names among `domains`, weights ≥ 0 with a positive sum at every point.
  static func readSchedule(_ reader: inout ScenarioReader, domains: [DomainSpec]) throws
    -> [DomainSchedulePoint]
  {
    let file = reader.file
    let names = domains.map(\.name)
    let points: [DomainSchedulePoint] =
      try reader.optionalArray("domain_schedule") { element, path in
        try ScenarioReader.read(
          element, file: file, path: path,
          keys: ScenarioKeys.names(in: "workload.domain_schedule[]")
        ) {
          (point: inout ScenarioReader) throws -> DomainSchedulePoint in
          let step = try point.int("step", in: 0...Int.max)
          let weights = try point.object("weights", keys: names) {
            (weightsReader: inout ScenarioReader) throws -> [String: Double] in
            var weights: [String: Double] = [:]
            for name in names {
              weights[name] = try weightsReader.optionalDouble(
                name, allowed: "≥ 0", where: { $0 >= 0 })
            }
            return weights
          }
          guard let rawWeights = point.raw("weights") else {
            throw point.error("weights", .missingKey(reason: nil))
          }
          guard weights.values.reduce(0, +) > 0 else {
            throw point.error(
              "weights",
              .outOfRange(value: rawWeights.rendered, allowed: "weights whose sum is > 0"))
          }
          return DomainSchedulePoint(step: step, weights: weights)
        }
      } ?? []
    for index in points.indices.dropFirst() where points[index].step <= points[index - 1].step {
      throw reader.error(
        "domain_schedule[\(index)].step",
        .outOfRange(
          value: String(points[index].step),
          allowed: "> \(points[index - 1].step) (steps strictly increasing)"))
    }
    return points
  }
}

extension DomainSpec {
  /// The keys of a `DomainSpec` object in a scenario file.
  static let keys = ScenarioKeys.names(in: "workload.domains[]")

  init(reading reader: inout ScenarioReader) throws {
    name = try reader.required("name", try reader.optionalString("name"))
    weight = try reader.double("weight", default: 1, allowed: "≥ 0", where: { $0 >= 0 })
  }
}
