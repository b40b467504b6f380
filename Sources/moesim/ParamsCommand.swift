import MoESim

/// `moesim params`: the parameter table of a scenario's model, without simulating.
enum ParamsCommand {
  static let spec = ScenarioArguments.spec.merging(AccountingOptions.spec)

  static func main(_ arguments: [String]) throws {
    var parsed = try Arguments(arguments, spec: spec, command: "params")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(message: "params takes one scenario file", command: "params")
    }
    try AccountingOptions.apply(to: &parsed, command: "params")
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    let count = ParameterCount(model: scenario.model)
    if parsed.flags.contains("--csv") {
      print(ResultTables.paramsColumns.joined(separator: ","))
      for row in ResultTables.paramsRows(count, scenario: scenario) {
        print(row.map(\.text).joined(separator: ","))
      }
    } else {
      print(AccountingReport.parameters(scenario: scenario, count: count))
      print("")
      print(AccountingReport.compute(scenario: scenario))
    }
  }
}
