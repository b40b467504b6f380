import MoESim

/// `moesim memory`: memory per device for the scenario's cluster, the verdict, and the smallest
/// layout that fits.
enum MemoryCommand {
  static let spec = ScenarioArguments.spec.merging(AccountingOptions.spec)

  static func main(_ arguments: [String]) throws {
    var parsed = try Arguments(arguments, spec: spec, command: "memory")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(message: "memory takes one scenario file", command: "memory")
    }
    try AccountingOptions.apply(to: &parsed, command: "memory")
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    if parsed.flags.contains("--csv") {
      print(ResultTables.memoryColumns.joined(separator: ","))
      for row in ResultTables.memoryRows(scenario) {
        print(row.map(\.text).joined(separator: ","))
      }
    } else {
      print(AccountingReport.memory(scenario: scenario))
    }
  }
}
