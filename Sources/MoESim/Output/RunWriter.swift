import Foundation

/// Runs a scenario and writes its result folder: `params.csv`, `memory.csv`, `compute.csv`
/// (static accounting), `scenario.json` (the resolved
/// scenario), `steps.csv` (streamed while the run goes on), `experts.csv`, `summary.csv` and
/// `manifest.csv` (the files written, with their sizes: what a later run may replace), and
/// `validation.csv` when the scenario carries published measurements, and the final placement in
/// a runtime's format when `cluster.placement.export` names one.
/// Every file is written under a temporary name and renamed when complete, inside a staging
/// folder that replaces the destination whole at the end (`ResultFolder`): the destination never
/// mixes two runs, and an interrupted or failed run leaves it exactly as it was.
public enum RunWriter {
  /// File names inside a result folder.
  public static let files = [
    "params.csv", "memory.csv", "compute.csv", "scenario.json", "steps.csv", "experts.csv",
    "summary.csv", ResultManifest.name,
  ]

  /// - Parameters:
  ///   - folder: the destination, created with its parents if missing; see `ResultFolder` for
  ///     when an existing one is replaced.
  ///   - threads: worker threads; results do not depend on it.
  ///   - options: `--force` and the step-trace thinning.
  ///   - progress: called after each step with the number of steps done.
  ///   - shouldStop: polled between steps; when it returns true the run stops, its partial
  ///     files are removed and `RunInterrupted` is thrown.
  /// - Throws: `ScenarioError` (before anything is written) when a timed step cannot fit in
  ///   device memory (`StepFootprint`).
  @discardableResult
  public static func run(
    _ scenario: Scenario, folder: String, threads: Int, options: RunOptions = RunOptions(),
    progress: (_ stepsDone: Int) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws -> RunTotals {
    // A step that cannot fit on its devices is refused, not timed (the command line names the
    // file before this; callers without one see the scenario's name).
    if let refusal = StepFootprint.refusal(scenario, file: "scenario '\(scenario.name)'") {
      throw refusal
    }
    let results = try ResultFolder(destination: folder, force: options.force)
    do {
      let totals = try write(
        scenario, into: results, threads: threads, options: options, shouldStop: shouldStop,
        progress: progress)
      try results.commit()
      return totals
    } catch {
      results.discard()
      throw error
    }
  }

  private static func write(
    _ scenario: Scenario, into results: ResultFolder, threads: Int, options: RunOptions,
    shouldStop: () -> Bool, progress: (_ stepsDone: Int) -> Void
  ) throws -> RunTotals {
    let path = results.path
    let params = ParameterCount(model: scenario.model)
    var stepsDone = 0
    let interrupted = {
      RunInterrupted(
        stepsDone: stepsDone, steps: scenario.workload.steps, folder: results.destination,
        keptPrevious: results.replacesExisting)
    }

    let paramsFile = try CSVWriter(path: path("params.csv"), columns: ResultTables.paramsColumns)
    for row in ResultTables.paramsRows(params, scenario: scenario) { try paramsFile.write(row) }
    try paramsFile.commit()
    let memoryFile = try CSVWriter(path: path("memory.csv"), columns: ResultTables.memoryColumns)
    for row in ResultTables.memoryRows(scenario) { try memoryFile.write(row) }
    try memoryFile.commit()
    let computeFile = try CSVWriter(
      path: path("compute.csv"), columns: ResultTables.computeColumns)
    for row in ResultTables.computeRows(scenario) { try computeFile.write(row) }
    try computeFile.commit()
    try AtomicFile.write(resolvedJSON(scenario), to: path("scenario.json"))

    let steps = try options.stepTraceEvery.map { _ in
      try CSVWriter(path: path("steps.csv"), columns: ResultTables.stepsColumns)
    }
    defer { steps?.discard() }
    let every = options.stepTraceEvery ?? 1
    let costModel = CostModel(scenario: scenario)
    var clusterTotals = ClusterTotals()
    let devices = try options.stepTraceEvery.flatMap { _ in
      try scenario.cluster.placement.map { _ in
        try CSVWriter(path: path("devices.csv"), columns: ResultTables.devicesColumns)
      }
    }
    defer { devices?.discard() }
    let totals = try Simulation(scenario: scenario).run(threads: threads) { step, layers in
      if let steps, step % every == 0 {
        for metrics in layers { try steps.write(ResultTables.stepsRow(metrics)) }
      }
      if let cluster = ClusterStep(step: step, layers: layers, model: costModel) {
        clusterTotals.add(cluster)
        if let devices, step % every == 0 {
          for row in ResultTables.devicesRows(cluster, scenario: scenario, model: costModel) {
            try devices.write(row)
          }
        }
      }
      stepsDone = step + 1
      progress(stepsDone)
      if shouldStop() { throw interrupted() }
    }
    try steps?.commit()
    try devices?.commit()
    if shouldStop() { throw interrupted() }
    if totals.layers.isEmpty, let costModel {
      // No MoE layer to route: every step is the same pass through the dense blocks and head.
      let step = ClusterStep(step: 0, tokens: scenario.workload.tokensPerStep, model: costModel)
      for _ in 0..<scenario.workload.steps { clusterTotals.add(step) }
    }

    let experts = try CSVWriter(path: path("experts.csv"), columns: ResultTables.expertsColumns)
    for row in ResultTables.expertsRows(totals) { try experts.write(row) }
    try experts.commit()

    let summary = try CSVWriter(path: path("summary.csv"), columns: ResultTables.summaryColumns)
    try summary.write(
      ResultTables.summaryRow(scenario: scenario, totals: totals, params: params)
        + ResultTables.clusterSummaryFields(clusterTotals, scenario: scenario, model: costModel)
        + ResultTables.deviceMemoryFields(scenario))
    try summary.commit()
    if scenario.validation != nil {
      let validation = try CSVWriter(
        path: path("validation.csv"), columns: ResultTables.validationColumns)
      for row in ResultTables.validationRows(clusterTotals, scenario: scenario) {
        try validation.write(row)
      }
      try validation.commit()
    }
    if let format = scenario.cluster.placement?.export, let placement = totals.finalPlacement {
      try AtomicFile.write(placement.render(format), to: path(format.runFileName))
    }
    return totals
  }

  /// The scenario with every default filled in, as pretty JSON (valid JSON5) with sorted keys.
  public static func resolvedJSON(_ scenario: Scenario) -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding plain value types with finite numbers cannot fail.
    let data = (try? encoder.encode(scenario)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
