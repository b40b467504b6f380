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
    let reader = TraceRowReader(
      file: path, steps: steps, moeLayers: moeLayers, tokens: tokens, experts: experts)
    let layers = moeLayers.count
    let logitsHeader = ["step", "layer", "token"] + (0..<experts).map { "logit_\($0)" }
    // Set by the header (line 1): the decisions layout, or nil for logits.
    var header: [String]?
    var decisionColumns: DecisionColumns?
    var logits: [Float] = []
    var seen: [Bool] = []
    var table = DecisionTable(tokenSlots: 0, slots: 1, maximumSlots: 1)
    try forEachCSVLine(path) { number, line in
      guard let header else {
        let fields = line.split(separator: ",").map(String.init)
        decisionColumns = DecisionColumns(header: fields)
        guard decisionColumns != nil || fields == logitsHeader else {
          throw TraceError(
            file: path, line: 1,
            message: "header '\(ErrorText.echo(fields.joined(separator: ",")))' is neither "
              + "\(DecisionColumns.summary) nor 'step,layer,token,logit_0..logit_\(experts - 1)' "
              + "(model.moe.experts = \(experts))")
        }
        if decisionColumns == nil {
          logits = [Float](repeating: 0, count: steps * layers * tokens * experts)
          seen = [Bool](repeating: false, count: steps * layers * tokens)
        } else {
          table = DecisionTable(
            tokenSlots: steps * layers * tokens, slots: topK, maximumSlots: experts)
        }
        header = fields
        return
      }
      let row = try reader.row(line, number: number, columns: header.count)
      let slot = (row.step * layers + row.layer) * tokens + row.token
      guard let columns = decisionColumns else {
        guard !seen[slot] else {
          throw reader.error(
            number,
            "step \(row.step), layer \(moeLayers[row.layer]), token \(row.token) appears twice")
        }
        seen[slot] = true
        for expert in 0..<experts {
          logits[slot * experts + expert] = try reader.real(
            row.fields[3 + expert], number, "logit_\(expert)")
        }
        return
      }
      let expert = try reader.integer(row.fields[3], number, "expert", 0..<experts)
      let gate = try columns.gate.map { try reader.gate(row.fields[$0], number, "gate") }
      if let kept = columns.kept {
        _ = try reader.integer(row.fields[kept], number, "kept", 0..<2)
      }
      if let finalGate = columns.finalGate {
        _ = try reader.gate(row.fields[finalGate], number, "final_gate")
      }
      guard table.add(slot: slot, expert: Int32(expert), gate: gate ?? 1 / Float(topK)) else {
        throw reader.error(
          number, "expert \(expert) is recorded twice for this step, layer and token")
      }
    }
    guard header != nil else {
      throw TraceError(file: path, line: nil, message: "empty trace; expected a header row")
    }
    guard decisionColumns != nil else {
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
    table.trim()
    let counts = table.filled
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
      slots: table.slots, selected: table.selected, gates: table.gates, logits: [])
  }
}

extension RoutingTrace {
  /// Calls `body` with each line of the CSV trace at `path` (header first), streamed
  /// (`InputText.forEachLine`); a missing file is missing input, bad bytes a data error.
  static func forEachCSVLine(_ path: String, _ body: (Int, Substring) throws -> Void) throws {
    try RecordedFile.forEachLine(path, prefix: "trace ", body)
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

  /// `field` without leading and trailing spaces and tabs, read on its UTF-8 bytes (Foundation's
  /// `trimmingCharacters` goes through `NSString` and costs more than parsing the number).
  static func trimmed(_ field: Substring) -> Substring {
    let bytes = field.utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
    while start < end, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
    return field[start..<end]
  }

  func integer(_ field: Substring, _ line: Int, _ name: String, _ range: Range<Int>) throws -> Int {
    guard let value = Int(Self.trimmed(field)) else {
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
    guard let value = Double(Self.trimmed(field)), value.isFinite else {
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
