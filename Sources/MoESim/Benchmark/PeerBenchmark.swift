import Foundation

/// A peer script — the routing simulation a user would write instead: `peer_numpy.py` (float32,
/// vectorised per step) or `peer_torch.py` (PyTorch on the CPU), which take the same knobs — run
/// on the same workload so that `moesim bench --peer` reports a throughput ratio measured in one
/// run. The report names the peer by its script.
public struct PeerBenchmark: Sendable {
  /// The peer's command-line arguments for `scenario`'s workload.
  public let arguments: [String]
  /// Scenario settings the peer has no knob for, so its run differs from MoESim's there: the
  /// ratio is then an approximation (shown beside it).
  public let ignoredSettings: [String]

  /// Maps `scenario` to the peer's knobs (`--experts --topk --layers --dim --vocab --zipf
  /// --domains --batch --steps --capacity-factor --noise --seed`). Returns nil for a dense model.
  public init?(scenario: Scenario) {
    guard let moe = scenario.model.moe, !scenario.model.moeLayerIndices.isEmpty else {
      return nil
    }
    let workload = scenario.workload
    let router = scenario.router
    arguments = [
      "--experts", "\(moe.experts)", "--topk", "\(moe.topK)",
      "--layers", "\(scenario.model.moeLayerIndices.count)", "--dim", "\(workload.routerDim)",
      "--vocab", "\(workload.vocabSize)", "--zipf", "\(workload.zipfExponent)",
      "--domains", "\(workload.domains.count)", "--batch", "\(workload.tokensPerStep)",
      "--steps", "\(workload.steps)",
      // The peer always applies a capacity; a very large factor makes it effectively dropless.
      "--capacity-factor", "\(router.capacityFactor ?? 1e9)", "--noise", "\(workload.noise)",
      "--seed", "\(scenario.seed)",
    ]
    var ignored: [String] = []
    // The peer's fixed choices (see peer_numpy.py): softmax top-k with renormalised gates, a
    // router bias of spread 0.3, temperature 1, one domain per token with equal weights.
    if router.kind != .softmaxTopK { ignored.append("router.kind = \(router.kind.rawValue)") }
    if !router.normalizeTopK { ignored.append("router.normalize_topk = false") }
    if router.biasSpread != 0.3 { ignored.append("router.bias_spread = \(router.biasSpread)") }
    if router.biasSpreadByLayer != nil { ignored.append("router.bias_spread_by_layer") }
    if router.temperature != 1 { ignored.append("router.temperature = \(router.temperature)") }
    if workload.sequenceLength != 1 {
      ignored.append("workload.sequence_length = \(workload.sequenceLength)")
    }
    if Set(workload.domains.map(\.weight)).count > 1 { ignored.append("workload.domains weights") }
    if workload.domainOffsetScale != 1 {
      ignored.append("workload.domain_offset_scale = \(workload.domainOffsetScale)")
    }
    // The peer draws every token independently and routes one hidden state at every layer.
    if workload.contextScale != 0 {
      ignored.append("workload.context_scale = \(workload.contextScale)")
    }
    if workload.layerPersistence != 1 {
      ignored.append("workload.layer_persistence = \(workload.layerPersistence)")
    }
    ignoredSettings = ignored
  }

  /// What a peer run reported.
  public struct Outcome: Sendable, Equatable {
    public var decisions: Int
    public var seconds: Double
    public var decisionsPerSecond: Double
    /// Peak resident memory of the peer process, MiB (nil where not measured).
    public var peakResidentMiB: Double?
    /// The peer's name in reports: its script's file name without the extension.
    public var engine = "peer"
  }

  /// The name reports give the peer run from `script`: `peer_torch` for
  /// `../shared/bench/peer_torch.py`.
  public static func engineName(script: String) -> String {
    URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent
  }

  /// Reads the peer's `seconds=S decisions=N` and `decisions_per_s=R` lines.
  public static func parse(_ output: String) -> Outcome? {
    var fields: [String: String] = [:]
    for word in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
      let parts = word.split(separator: "=", maxSplits: 1)
      if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    guard let seconds = fields["seconds"].flatMap(Double.init),
      let decisions = fields["decisions"].flatMap(Int.init),
      let rate = fields["decisions_per_s"].flatMap(Double.init)
    else { return nil }
    return Outcome(
      decisions: decisions, seconds: seconds, decisionsPerSecond: rate, peakResidentMiB: nil)
  }

  /// Runs `python3 script …arguments` and returns its figures; the error names the script and
  /// what went wrong.
  public func run(script: String, python: String = "python3") throws -> Outcome {
    guard FileManager.default.isReadableFile(atPath: script) else {
      throw PeerError(
        message: "peer script \(script) does not exist or is not readable", scriptMissing: true)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    do { try process.run() } catch {
      throw PeerError(message: "cannot start \(python) \(script): \(error.localizedDescription)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0, var outcome = Self.parse(text) else {
      throw PeerError(
        message: "peer \(script) exited with status \(process.terminationStatus) "
          + "and printed no decisions_per_s figure")
    }
    outcome.peakResidentMiB = Self.largestChildPeakMiB()
    outcome.engine = Self.engineName(script: script)
    return outcome
  }

  /// The largest peak resident size among the children waited for so far, MiB (Linux reports
  /// `ru_maxrss` in KiB).
  static func largestChildPeakMiB() -> Double? {
    var usage = rusage()
    #if os(Linux)
      let children = RUSAGE_CHILDREN.rawValue
    #else
      let children = RUSAGE_CHILDREN
    #endif
    guard getrusage(children, &usage) == 0, usage.ru_maxrss > 0 else { return nil }
    return Double(usage.ru_maxrss) / 1024
  }
}

/// The peer could not be run or did not report its figures.
public struct PeerError: Error, CustomStringConvertible, Sendable {
  public var message: String
  /// The script itself is missing (as opposed to failing when run).
  public var scriptMissing = false
  public var description: String { message }
}
