import MoESim

/// `moesim params`: the parameter table of a scenario's model, without simulating.
enum ParamsCommand {
  static let spec = ScenarioArguments.spec.merging(OptionSpec(flags: ["--csv"]))

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "params")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(message: "params takes one scenario file", command: "params")
    }
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    let count = ParameterCount(model: scenario.model)
    if parsed.flags.contains("--csv") {
      print(ResultTables.paramsColumns.joined(separator: ","))
      for row in ResultTables.paramsRows(count) {
        print(row.map(\.text).joined(separator: ","))
      }
    } else {
      print(Report.parameterTable(scenario: scenario, count: count))
    }
  }
}
