import Foundation
import MoESim

/// `moesim bench`: routing throughput of a workload, on 1 thread and on N, optionally beside the
/// peer script (NumPy or PyTorch).
enum BenchCommand {
  static let spec = ScenarioArguments.spec.merging(
    OptionSpec(
      valued: ["--workload", "--threads", "--repeat", "--peer", "--python"], flags: ["--csv"]))

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "bench")
    guard parsed.positionals.isEmpty else {
      throw UsageError(
        message: "bench takes no positional argument; name the workload with --workload",
        command: "bench")
    }
    let name = parsed.value("--workload") ?? BenchmarkWorkload.rFine.rawValue
    let scenario = try loadWorkload(name, arguments: parsed)
    guard Benchmark.decisions(of: scenario) > 0 else {
      throw UsageError(
        message: "workload '\(name)' routes nothing (a dense model); pick an MoE scenario",
        command: "bench")
    }
    let threads =
      try parsed.threads(command: "bench")
      ?? ProcessInfo.processInfo.activeProcessorCount
    let repeats = try parsed.positiveInt("--repeat", command: "bench") ?? 1
    let label = BenchmarkWorkload(named: name)?.rawValue ?? scenario.name

    var peerRun: (() throws -> PeerBenchmark.Outcome)?
    var peerNotes: [String] = []
    if let script = parsed.value("--peer") {
      guard let mapping = PeerBenchmark(scenario: scenario) else {
        throw UsageError(message: "the peer cannot run workload '\(name)'", command: "bench")
      }
      peerNotes = mapping.ignoredSettings
      let python = parsed.value("--python") ?? "python3"
      peerRun = { try mapping.run(script: script, python: python) }
    }
    let (runs, peer) = try Benchmark.measureRounds(
      scenario, workload: label, threadCounts: threads == 1 ? [1] : [1, threads],
      repeats: repeats, peer: peerRun)
    if parsed.flags.contains("--csv") {
      print(Benchmark.csvColumns.joined(separator: ","))
      for run in runs { print(Benchmark.csvRow(run).map(\.text).joined(separator: ",")) }
      if let peer {
        print(Benchmark.csvRow(peer: peer, workload: label).map(\.text).joined(separator: ","))
      }
    } else {
      print(
        Report.benchmark(
          scenario: scenario, label: label, runs: runs, repeats: repeats, peer: peer,
          peerNotes: peerNotes,
          roofline: Roofline.measure(scenario, layout: runs[0].logitsLayout)))
    }
  }

  /// A built-in workload by name (`R-fine`, `R-coarse`), else a scenario file.
  static func loadWorkload(_ name: String, arguments: Arguments) throws -> Scenario {
    guard let builtIn = BenchmarkWorkload(named: name) else {
      return try ScenarioArguments.load(path: name, arguments: arguments)
    }
    return try ScenarioArguments.load(
      text: builtIn.text, file: builtIn.file, arguments: arguments)
  }
}
