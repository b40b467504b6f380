import Foundation

/// A bad recorded-routing file: one line naming the file, the line and what is wrong.
public struct TraceError: Error, Equatable, CustomStringConvertible, Sendable {
  public var file: String
  /// 1-based line, or nil for whole-file problems.
  public var line: Int?
  public var message: String
  /// The file does not exist or cannot be read.
  public var isMissingInput = false

  public init(file: String, line: Int?, message: String, isMissingInput: Bool = false) {
    self.file = file
    self.line = line
    self.message = message
    self.isMissingInput = isMissingInput
  }

  public var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
  }
}

/// Recorded routing, replayed instead of the synthetic router (`workload.kind = "trace"`).
///
/// A serving system's per-token record (`PerTokenTrace`) or a moe-balance trace
/// (`MoEBalanceTrace`), named by `workload.format` or told from the name (`TraceFormat`); or
/// two CSV layouts, told apart by the header:
/// - decisions `step,layer,token,expert[,gate][,kept][,final_gate]` (`DecisionColumns`): one row
///   per (token, expert) assignment, in slot order; a token may have 0 … E rows (fewer than k
///   leave empty slots); a missing gate is `1/k`; `kept` (0 or 1) and `final_gate` record what
///   the recording run's capacity did and are checked but not replayed;
/// - logits `step,layer,token,logit_0,…,logit_{E−1}`: one row per token, exactly once for every
///   (step, MoE layer, token); the scenario's router kind then routes them.
/// `step` is 0 … steps−1, `layer` the transformer-block index of an MoE layer (as in
/// `steps.csv`), `token` 0 … tokens_per_step−1. Every row is checked; the first bad one is
/// reported with its line.
public struct RoutingTrace: Sendable {
  public enum Content: Sendable { case decisions, logits }

  public let content: Content
  public let steps: Int
  public let layers: Int
  public let tokens: Int
  public let experts: Int
  /// Slots per token of `selected` and `gates` (the most experts any token has, at least 1).
  public let slots: Int
  /// `steps × layers × tokens × slots`, -1 for empty slots (decisions only).
  let selected: [Int32]
  let gates: [Float]
  /// `steps × layers × tokens × experts` (logits only).
  let logits: [Float]

  /// Reads and validates the trace at `path` for a model whose MoE layers are `moeLayers`, in
  /// `format` (`workload.format`), or the one its name implies (`TraceFormat.detect`).
  public static func load(
    path: String, format: TraceFormat? = nil, steps: Int, moeLayers: [Int], tokens: Int,
    experts: Int, topK: Int
  ) throws -> RoutingTrace {
    switch format ?? TraceFormat.detect(path: path) {
    case .csv: break
    case .moeBalance:
      return try MoEBalanceTrace.load(
        path: path, steps: steps, moeLayers: moeLayers, tokens: tokens, experts: experts,
        topK: topK)
    case let perToken:
      return try PerTokenTrace.load(
        path: path, sglang: perToken == .sglang, steps: steps, moeLayers: moeLayers,
        tokens: tokens, experts: experts, topK: topK)
    }
    let (lines, header) = try csvLines(path)
    let logitsHeader = ["step", "layer", "token"] + (0..<experts).map { "logit_\($0)" }
    let decisionColumns = DecisionColumns(header: header)
    guard decisionColumns != nil || header == logitsHeader else {
      throw TraceError(
        file: path, line: 1,
        message: "header '\(ErrorText.echo(header.joined(separator: ",")))' is neither "
          + "\(DecisionColumns.summary) nor 'step,layer,token,logit_0..logit_\(experts - 1)' "
          + "(model.moe.experts = \(experts))")
    }
    let reader = TraceRowReader(
      file: path, steps: steps, moeLayers: moeLayers, tokens: tokens, experts: experts)
    let layers = moeLayers.count
    guard let columns = decisionColumns else {
      var logits = [Float](repeating: 0, count: steps * layers * tokens * experts)
      var seen = [Bool](repeating: false, count: steps * layers * tokens)
      for (offset, line) in lines.enumerated().dropFirst() {
        let row = try reader.row(line, number: offset + 1, columns: header.count)
        let slot = (row.step * layers + row.layer) * tokens + row.token
        guard !seen[slot] else {
          throw reader.error(
            offset + 1,
            "step \(row.step), layer \(moeLayers[row.layer]), token \(row.token) appears twice")
        }
        seen[slot] = true
        for expert in 0..<experts {
          logits[slot * experts + expert] = try reader.real(
            row.fields[3 + expert], offset + 1, "logit_\(expert)")
        }
      }
      if let missing = seen.firstIndex(of: false) {
        let token = missing % tokens
        let layer = missing / tokens % layers
        let step = missing / tokens / layers
        throw TraceError(
          file: path, line: nil,
          message: "no logits row for step \(step), layer \(moeLayers[layer]), token \(token) "
            + "(a logits trace covers every token of every step and MoE layer)")
      }
      return RoutingTrace(
        content: .logits, steps: steps, layers: layers, tokens: tokens, experts: experts,
        slots: topK, selected: [], gates: [], logits: logits)
    }
    // Decisions: first gather rows, then lay them out with as many slots as the fullest token.
    var rows: [(slot: Int, expert: Int32, gate: Float?)] = []
    var counts = [Int32](repeating: 0, count: steps * layers * tokens)
    for (offset, line) in lines.enumerated().dropFirst() {
      let row = try reader.row(line, number: offset + 1, columns: header.count)
      let slot = (row.step * layers + row.layer) * tokens + row.token
      let expert = try reader.integer(row.fields[3], offset + 1, "expert", 0..<experts)
      let gate = try columns.gate.map {
        try reader.gate(row.fields[$0], offset + 1, "gate")
      }
      if let kept = columns.kept {
        _ = try reader.integer(row.fields[kept], offset + 1, "kept", 0..<2)
      }
      if let finalGate = columns.finalGate {
        _ = try reader.gate(row.fields[finalGate], offset + 1, "final_gate")
      }
      rows.append((slot, Int32(expert), gate))
      counts[slot] += 1
    }
    let slots = max(1, Int(counts.max() ?? 0))
    var selected = [Int32](repeating: -1, count: steps * layers * tokens * slots)
    var gates = [Float](repeating: 0, count: selected.count)
    var filled = [Int32](repeating: 0, count: counts.count)
    for (index, row) in rows.enumerated() {
      let base = row.slot * slots
      let taken = Int(filled[row.slot])
      if (0..<taken).contains(where: { selected[base + $0] == row.expert }) {
        throw reader.error(
          index + 2, "expert \(row.expert) is recorded twice for this step, layer and token")
      }
      selected[base + taken] = row.expert
      gates[base + taken] = row.gate ?? 1 / Float(topK)
      filled[row.slot] += 1
    }
    // Every (step, MoE layer) needs rows: a gap is more likely a short capture than a step in
    // which no token picked any expert.
    for step in 0..<steps {
      for layer in 0..<layers {
        let first = (step * layers + layer) * tokens
        guard counts[first..<first + tokens].allSatisfy({ $0 == 0 }) else { continue }
        throw TraceError(
          file: path, line: nil,
          message: "no decisions for step \(step), layer \(moeLayers[layer]) (workload.steps = "
            + "\(steps); a decisions trace has rows for every step and MoE layer)")
      }
    }
    return RoutingTrace(
      content: .decisions, steps: steps, layers: layers, tokens: tokens, experts: experts,
      slots: slots, selected: selected, gates: gates, logits: [])
  }
}

extension RoutingTrace {
  /// The lines of the CSV trace at `path` (header first) and the header's fields; a missing
  /// file is missing input, an empty one a data error.
  static func csvLines(_ path: String) throws -> (lines: [Substring], header: [String]) {
    let text: String
    do {
      text = try InputText.contents(path)
    } catch {
      throw TraceError(
        file: path, line: nil, message: "trace \(error.detail)",
        isMissingInput: error.isMissingInput)
    }
    let lines = TextLines.split(text)
    guard let header = lines.first?.split(separator: ",").map(String.init) else {
      throw TraceError(file: path, line: nil, message: "empty trace; expected a header row")
    }
    return (lines, header)
  }
}

/// Parses and range-checks the leading `step,layer,token` of trace rows.
struct TraceRowReader {
  let file: String
  let steps: Int
  let moeLayers: [Int]
  let tokens: Int
  let experts: Int

  struct Row {
    var step: Int
    /// Ordinal of the MoE layer.
    var layer: Int
    var token: Int
    var fields: [Substring]
  }

  func error(_ line: Int, _ message: String) -> TraceError {
    TraceError(file: file, line: line, message: message)
  }

  func row(_ text: Substring, number: Int, columns: Int) throws -> Row {
    let fields = text.split(separator: ",", omittingEmptySubsequences: false)
    guard fields.count == columns else {
      throw error(number, "\(fields.count) fields; the header has \(columns)")
    }
    let step = try integer(fields[0], number, "step", 0..<steps)
    let block = try integer(fields[1], number, "layer", 0..<Int.max)
    guard let layer = moeLayers.firstIndex(of: block) else {
      throw error(
        number,
        "layer = \(block) is not an MoE layer of the model; allowed "
          + moeLayers.map(String.init).joined(separator: ", "))
    }
    let token = try integer(fields[2], number, "token", 0..<tokens)
    return Row(step: step, layer: layer, token: token, fields: fields)
  }

  func integer(_ field: Substring, _ line: Int, _ name: String, _ range: Range<Int>) throws -> Int {
    guard let value = Int(field.trimmingCharacters(in: .whitespaces)) else {
      throw error(line, "\(name) = '\(ErrorText.echo(field))' is not an integer")
    }
    guard range.contains(value) else {
      let allowed =
        range.upperBound == Int.max
        ? "≥ \(range.lowerBound)" : "\(range.lowerBound)...\(range.upperBound - 1)"
      throw error(line, "\(name) = \(value) is out of range; allowed \(allowed)")
    }
    return value
  }

  /// A gate: a `real` that is ≥ 0.
  func gate(_ field: Substring, _ line: Int, _ name: String) throws -> Float {
    let value = try real(field, line, name)
    guard value >= 0 else {
      throw error(line, "\(name) = \(ErrorText.echo(field)) is out of range; allowed ≥ 0")
    }
    return value
  }

  /// A finite number that `Float` (the routing arithmetic) can hold: beyond ±3.4028235e38 it
  /// would become infinite and poison the softmax, so it is refused with the line.
  func real(_ field: Substring, _ line: Int, _ name: String) throws -> Float {
    guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value.isFinite else {
      throw error(line, "\(name) = '\(ErrorText.echo(field))' is not a finite number")
    }
    guard Float(value).isFinite else {
      throw error(
        line,
        "\(name) = \(ErrorText.echo(field)) is out of range; allowed finite 32-bit floats,"
          + " |x| ≤ \(Float.greatestFiniteMagnitude)")
    }
    return Float(value)
  }
}
