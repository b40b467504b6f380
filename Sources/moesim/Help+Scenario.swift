import MoESim

/// `moesim help scenario [BLOCK]`: every scenario key with its type, default, allowed values and
/// meaning, printed from `ScenarioKeys` (the table the decoder checks keys against).
extension Help {
  static func scenarioKeys(block: String?) throws -> String {
    let keys = ScenarioKeys.keys(under: block)
    guard !keys.isEmpty else {
      let blocks = ScenarioKeys.blocks.filter { !$0.isEmpty }.joined(separator: ", ")
      throw UsageError(
        message: "help scenario: '\(block ?? "")' is not a scenario block; one of \(blocks)",
        command: nil)
    }
    var lines = [
      "Scenario keys\(block.map { " under \($0)" } ?? ""): KEY  TYPE  default DEFAULT;"
        + " allowed VALUES, then the meaning. Set any with --set KEY.PATH=VALUE.",
      "Blocks: "
        + ScenarioKeys.blocks.map { $0.isEmpty ? "(top level)" : $0 }.joined(
          separator: ", "),
    ]
    var current: String?
    for key in keys {
      if key.block != current {
        lines.append("")
        lines.append(key.block.isEmpty ? "(top level)" : key.block)
        current = key.block
      }
      lines.append(
        "  \(key.path)  \(key.type.rawValue)  default \(key.defaultValue); allowed \(key.allowed)")
      lines.append("      \(key.meaning)")
    }
    return lines.joined(separator: "\n")
  }
}
