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
        _ = try ScenarioArguments.load(path: path, arguments: parsed)
      } catch {
        printError("error: \(error)")
        let status = ExitStatus.of(error)
        if worst == .success || status == .usage { worst = status }
      }
    }
    return worst
  }
}
