import Foundation

/// Runs a scenario and writes its result folder: `params.csv`, `memory.csv`, `compute.csv`
/// (static accounting), `scenario.json` (the resolved
/// scenario), `steps.csv` (streamed while the run goes on), `experts.csv` and `summary.csv`.
/// Every file is written under a temporary name and renamed when complete; `summary.csv` is
/// written last, so its presence means the run finished.
public enum RunWriter {
  /// File names inside a result folder.
  public static let files = [
    "params.csv", "memory.csv", "compute.csv", "scenario.json", "steps.csv", "experts.csv",
    "summary.csv",
  ]

  /// - Parameters:
  ///   - folder: created if missing (with its parents).
  ///   - threads: worker threads; results do not depend on it.
  ///   - progress: called after each step with the number of steps done.
  @discardableResult
  public static func run(
    _ scenario: Scenario, folder: String, threads: Int,
    progress: (_ stepsDone: Int) -> Void = { _ in }
  ) throws -> RunTotals {
    try createFolder(folder)
    let path = { (name: String) in URL(fileURLWithPath: folder).appendingPathComponent(name).path }
    let params = ParameterCount(model: scenario.model)

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

    let steps = try CSVWriter(path: path("steps.csv"), columns: ResultTables.stepsColumns)
    let totals = try Simulation(scenario: scenario).run(threads: threads) { step, layers in
      for metrics in layers { try steps.write(ResultTables.stepsRow(metrics)) }
      progress(step + 1)
    }
    try steps.commit()

    let experts = try CSVWriter(path: path("experts.csv"), columns: ResultTables.expertsColumns)
    for row in ResultTables.expertsRows(totals) { try experts.write(row) }
    try experts.commit()

    let summary = try CSVWriter(path: path("summary.csv"), columns: ResultTables.summaryColumns)
    try summary.write(ResultTables.summaryRow(scenario: scenario, totals: totals, params: params))
    try summary.commit()
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

  static func createFolder(_ folder: String) throws {
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw OutputError(
        .cannotCreate, path: folder, detail: (error as NSError).localizedDescription)
    }
  }
}
