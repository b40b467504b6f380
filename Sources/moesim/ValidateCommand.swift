import MoESim

/// `moesim validate`: check scenario files, printing nothing but errors.
enum ValidateCommand {
  static func main(_ arguments: [String]) throws -> ExitStatus {
    let parsed = try Arguments(arguments, spec: ScenarioArguments.spec, command: "validate")
    guard !parsed.positionals.isEmpty else {
      throw UsageError(message: "validate needs at least one scenario file", command: "validate")
    }
    var worst = ExitStatus.success
    for path in parsed.positionals {
      do {
        let scenario = try ScenarioArguments.load(path: path, arguments: parsed)
        // A replayed trace must be there; its rows are checked when a run reads it.
        if scenario.workload.kind == .trace, let trace = scenario.workload.trace {
          do {
            try InputText.checkReadable(trace)
          } catch {
            throw TraceError(
              file: trace, line: nil, message: "trace \(error.detail)", isMissingInput: true)
          }
        }
      } catch {
        printError("error: \(error)")
        let status = ExitStatus.of(error)
        if worst == .success || status == .usage { worst = status }
      }
    }
    return worst
  }
}
