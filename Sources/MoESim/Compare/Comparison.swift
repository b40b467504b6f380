import Foundation

/// `moesim compare`: an MoE scenario and its dense counterparts side by side, from the static
/// accounting (parameters, FLOPs, memory, devices to fit, training compute), the Chinchilla
/// loss estimate for the dense rows, and a run of each through the same workload.
public enum Comparison {
  /// One variant: the scenario itself or a dense counterpart.
  public struct Variant: Sendable {
    /// `moe`, or `dense_equal_active`, `dense_equal_total`, `dense_equal_memory`.
    public var name: String
    public var scenario: Scenario
  }

  /// The scenario and one dense counterpart per `matches` entry, in that order.
  public static func variants(
    _ scenario: Scenario, matches: [DenseCounterpart.Match], multipleOf: Int
  ) -> [Variant] {
    [Variant(name: scenario.model.moe == nil ? "dense" : "moe", scenario: scenario)]
      + matches.map { match in
        Variant(
          name: "dense_equal_\(match.rawValue)",
          scenario: DenseCounterpart.derive(from: scenario, match: match, multipleOf: multipleOf)
            .scenario)
      }
  }

  public static let columns = [
    "variant", "experts", "top_k", "ffn_intermediate_size", "total_params", "active_params",
    "forward_flops_per_token", "weight_bytes_per_device", "memory_bytes_per_device",
    "devices", "fits", "devices_to_fit", "training_tokens", "training_flops_6nd",
    "loss_estimate_chinchilla", "simulated_tokens", "drop_fraction", "mean_max_over_mean_load",
    "step_time_s", "tokens_per_s", "loss_estimate_krajewski", "loss_estimate_krajewski_note",
  ]

  /// Training tokens `D` used for every row: `compute.training_tokens`, or Chinchilla's 20 tokens
  /// per parameter times the first variant's active parameters (one `D` for all rows, so the
  /// rows differ only by the model).
  public static func trainingTokens(_ variants: [Variant]) -> Double {
    guard let first = variants.first else { return 0 }
    return first.scenario.compute.trainingTokens
      ?? ComputeCost.chinchillaTokensPerParameter
      * ParameterCount(model: first.scenario.model).active
  }

  /// Runs every variant through the scenario's workload, each into `<folder>/<variant>` (an
  /// ordinary results folder, written by `RunWriter`); returns the totals in variant order.
  public static func run(
    _ variants: [Variant], folder: String, threads: Int, shouldStop: () -> Bool = { false }
  ) throws -> [RunTotals] {
    try variants.map { variant in
      try RunWriter.run(
        variant.scenario,
        folder: URL(fileURLWithPath: folder).appendingPathComponent(variant.name).path,
        threads: threads, shouldStop: shouldStop)
    }
  }

  /// One row per variant; the simulated columns are empty without `totals`, the MoE row's step
  /// time without `runTimings` (see `timing(_:index:runTimings:)`).
  public static func rows(
    _ variants: [Variant], totals: [RunTotals]? = nil, runTimings: [StepTiming?]? = nil
  ) -> [[CSVField]] {
    let tokens = trainingTokens(variants)
    return variants.indices.map { index in
      let variant = variants[index]
      let run = totals.flatMap { index < $0.count ? $0[index] : nil }
      let timing = timing(variants, index: index, runTimings: runTimings)
      let krajewski = KrajewskiLoss.estimate(model: variant.scenario.model, tokens: tokens)
      let scenario = variant.scenario
      let params = ParameterCount(model: scenario.model)
      let compute = ComputeCost(model: scenario.model, context: scenario.memory.context)
      let memory = DeviceMemory(scenario: scenario)
      let smallest = SmallestLayout.find(for: scenario)
      let dense = scenario.model.moe == nil
      return [
        .text(variant.name), .integer(scenario.model.moe?.experts ?? 0),
        .integer(scenario.model.moe?.topK ?? 0),
        dense ? scenario.model.ffn.intermediateSize.map(CSVField.integer) ?? .empty : .empty,
        .real(params.total), .real(params.active), .real(compute.forwardFLOPsPerToken),
        .real(memory.worst.bytes[.weights] ?? 0), .real(memory.worst.totalBytes),
        .integer(memory.layout.devices), .text(memory.fits ? "true" : "false"),
        smallest.map { .integer($0.layout.devices) } ?? .empty, .real(tokens),
        .real(compute.sixNDFLOPs(tokens: tokens)),
        dense ? .real(ChinchillaLoss.loss(parameters: params.total, tokens: tokens)) : .empty,
        run.map { .integer($0.tokens) } ?? .empty, run.map { .real($0.dropFraction) } ?? .empty,
        dense ? .empty : run.map { .real($0.meanMaxOverMean) } ?? .empty,
        timing.map { .real($0.stepSeconds) } ?? .empty,
        timing.map { .real($0.tokensPerSecond) } ?? .empty,
      ] + krajewskiFields(krajewski)
    }
  }

  /// The estimate and the reason it is missing (the note is empty when there is an estimate).
  static func krajewskiFields(_ estimate: KrajewskiLoss.Estimate) -> [CSVField] {
    switch estimate {
    case .loss(let loss): return [.real(loss), .empty]
    case .outsideFit(let reason): return [.empty, .text(reason)]
    }
  }

  /// Refuses a `comparison.csv` in `folder` that MoESim did not write (its manifest does not
  /// list it at its size); call before the runs so that nothing is simulated in vain.
  public static func checkOutput(folder: String) throws {
    try ResultManifest.checkReplaceable(
      "comparison.csv", in: folder, hint: "choose another --out, or move the file away")
  }

  /// Writes `comparison.csv` into `folder` (created if missing), atomically, and records it in
  /// the folder's manifest; with `totals` the variants' runs are read back from
  /// `folder/<variant>/summary.csv` for their step times.
  public static func write(_ variants: [Variant], totals: [RunTotals]?, folder: String) throws
    -> String
  {
    try checkOutput(folder: folder)
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw OutputError(
        .cannotCreate, path: folder, detail: ResultFolder.reason(error, creating: folder))
    }
    let path = URL(fileURLWithPath: folder).appendingPathComponent("comparison.csv").path
    let timings = try totals.map { _ in try runTimings(variants, folder: folder) }
    let file = try CSVWriter(path: path, columns: columns)
    for row in rows(variants, totals: totals, runTimings: timings) { try file.write(row) }
    try file.commit()
    try ResultManifest.record("comparison.csv", in: folder)
    return path
  }
}
