import Foundation
import MoESim

/// Dispatches to a command and turns its outcome into a sysexits status.
func runCommandLine(_ arguments: [String]) -> ExitStatus {
  guard let command = arguments.first else {
    print(Help.overview)
    return .usage
  }
  let rest = Array(arguments.dropFirst())
  if rest.contains("--help") || rest.contains("-h"), Help.commands[command] != nil {
    print(Help.commands[command]!)
    return .success
  }
  do {
    switch command {
    case "-h", "--help":
      print(Help.overview)
    case "--version":
      print("moesim \(MoESimVersion.string)")
    case "help":
      guard let topic = rest.first else {
        print(Help.overview)
        return .success
      }
      if topic == "scenario" {
        print(try Help.scenarioKeys(block: rest.dropFirst().first))
        return .success
      }
      guard let text = Help.commands[topic] else {
        throw UsageError(message: "no help for unknown command '\(topic)'", command: nil)
      }
      print(text)
    case "run":
      try RunCommand.main(rest)
    case "validate":
      return try ValidateCommand.main(rest)
    case "params":
      try ParamsCommand.main(rest)
    case "import-hf":
      try ImportHFCommand.main(rest)
    case "export-trace":
      try ExportTraceCommand.main(rest)
    case "fit":
      try FitCommand.main(rest)
    case "bench":
      try BenchCommand.main(rest)
    case "memory":
      try MemoryCommand.main(rest)
    case "place":
      try PlaceCommand.main(rest)
    case "sweep":
      try SweepCommand.main(rest)
    case "merge":
      try SweepCommand.merge(rest)
    case "plot":
      try PlotCommand.main(rest)
    case "compare":
      try CompareCommand.main(rest)
    default:
      throw UsageError(message: "unknown command '\(command)'", command: nil)
    }
    return .success
  } catch {
    printError("error: \(error)")
    return ExitStatus.of(error)
  }
}

exit(checkedStandardOutput(runCommandLine(Array(CommandLine.arguments.dropFirst()))).rawValue)
