import Foundation
import MoESim

/// `moesim export-trace`: run a scenario and write its routing decisions as a replayable trace.
enum ExportTraceCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(valued: ["--out", "--threads", "--format"], flags: ["--logits"]))

  static let help = """
    USAGE: moesim export-trace [SCENARIO] --out FILE [options]

    Simulates SCENARIO (default: the built-in quickstart) and writes every routing decision
    to FILE as CSV: step,layer,token,expert,gate,kept,final_gate (one row per assignment).
    gate is the router's, before capacity; kept is 1 if the expert's capacity kept the
    assignment, 0 if it dropped it; final_gate is the weight the expert's output gets when
    the token is combined (gate if kept, 0 if dropped). A scenario with workload.kind =
    "trace" and workload.trace = FILE replays it, applying its own capacity: loads, capacity,
    drops and dropped gate mass come out identical.

    With --logits, writes the router logits every MoE layer saw instead:
    step,layer,token,logit_0..logit_{E-1} (one row per token); replayed with the same router
    settings they reproduce every figure, losses included.

    With --format moe-balance, writes the decisions as a moe-balance JSON Lines trace instead:
    one line per step and MoE layer, {"layer", "batch_id" (the step), "topk_experts",
    "topk_weights"}; it replays like the CSV (name it .jsonl).

    OPTIONS:
      --out FILE            The trace to write (required): a new path or a regular file (a
                            folder, FIFO, device or dangling link is refused, exit 73)
      --logits              Export router logits instead of decisions
      --format F            csv (default) or moe-balance
    \(Help.simulationOptions)
      --threads N           Worker threads (default: all cores); the file does not depend on it
    """

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "export-trace")
    guard parsed.positionals.count <= 1 else {
      throw UsageError(message: "export-trace takes one scenario file", command: "export-trace")
    }
    guard let out = parsed.value("--out") else {
      throw UsageError(message: "export-trace needs --out FILE", command: "export-trace")
    }
    let scenario = try ScenarioArguments.load(path: parsed.positionals.first, arguments: parsed)
    let threads =
      try parsed.threads(command: "export-trace")
      ?? ProcessInfo.processInfo.activeProcessorCount
    try RunCommand.checkFitsInMemory(scenario, file: parsed.positionals.first, threads: threads)
    Interruption.install()
    let format = parsed.value("--format") ?? "csv"
    guard ["csv", "moe-balance"].contains(format) else {
      throw UsageError(
        message: "--format '\(format)' is not one of csv, moe-balance", command: "export-trace")
    }
    if format == "moe-balance" {
      guard !parsed.flags.contains("--logits") else {
        throw UsageError(
          message: "--logits exports a CSV; a moe-balance trace holds decisions",
          command: "export-trace")
      }
      try RoutingTraceExport.writeMoEBalance(
        scenario, to: out, threads: threads, shouldStop: { Interruption.isRequested })
    } else if parsed.flags.contains("--logits") {
      try RoutingTraceExport.writeLogits(
        scenario, to: out, threads: threads, shouldStop: { Interruption.isRequested })
    } else {
      try RoutingTraceExport.write(
        scenario, to: out, threads: threads, shouldStop: { Interruption.isRequested })
    }
  }
}
