import Foundation

/// Recorded per-expert loads of several layers, read from `layer,expert,load` CSV rows (e.g.
/// token counts captured from a serving engine), the input of `moesim place`.
public struct ExpertLoadTable: Sendable, Equatable {
  /// Layer ids in increasing order.
  public var layers: [Int]
  /// Experts per layer (the same for every layer, `0..<experts`).
  public var experts: Int
  /// `loads[i][e]`: load of expert `e` in layer `layers[i]`.
  public var loads: [[Double]]

  public init(layers: [Int], experts: Int, loads: [[Double]]) {
    self.layers = layers
    self.experts = experts
    self.loads = loads
  }

  /// Parses the CSV text; a header row `layer,expert,load` is required. Errors name the file,
  /// the line and the column, the value and what is allowed.
  public init(csv text: String, file: String) throws {
    func fail(_ line: Int, _ column: String, _ kind: ScenarioError.Kind) -> ScenarioError {
      ScenarioError(file: file, path: "line \(line): \(column)", kind: kind)
    }
    let lines = TextLines.split(text)
    guard let header = lines.first, header == "layer,expert,load" else {
      throw fail(
        1, "header",
        .outOfRange(value: "\"\(lines.first ?? "")\"", allowed: "the header layer,expert,load"))
    }
    var byLayer: [Int: [Int: Double]] = [:]
    var maxExpert = -1
    for (index, line) in lines.enumerated().dropFirst() {
      let number = index + 1
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 3 else {
        throw fail(
          number, "row",
          .wrongType(value: "\"\(line)\"", expected: "3 fields layer,expert,load"))
      }
      guard let layer = Int(fields[0]), layer >= 0 else {
        throw fail(
          number, "layer", .wrongType(value: "\"\(fields[0])\"", expected: "an integer ≥ 0"))
      }
      guard let expert = Int(fields[1]), (0..<ScenarioLimits.experts).contains(expert) else {
        throw fail(
          number, "expert",
          .wrongType(
            value: "\"\(fields[1])\"", expected: "an integer in 0..<\(ScenarioLimits.experts)"))
      }
      guard let load = Double(fields[2]), load.isFinite, load >= 0 else {
        throw fail(
          number, "load", .wrongType(value: "\"\(fields[2])\"", expected: "a finite number ≥ 0"))
      }
      guard byLayer[layer]?[expert] == nil else {
        throw fail(
          number, "expert",
          .outOfRange(value: String(expert), allowed: "each expert once per layer (\(layer))"))
      }
      byLayer[layer, default: [:]][expert] = load
      maxExpert = max(maxExpert, expert)
    }
    guard maxExpert >= 0 else {
      throw fail(lines.count, "rows", .missingKey(reason: "at least one data row"))
    }
    layers = byLayer.keys.sorted()
    experts = maxExpert + 1
    loads = []
    for layer in layers {
      let row = byLayer[layer] ?? [:]
      if let missing = (0..<(maxExpert + 1)).first(where: { row[$0] == nil }) {
        throw ScenarioError(
          file: file, path: "layer \(layer): expert \(missing)",
          kind: .missingKey(reason: "every layer lists experts 0...\(maxExpert)"))
      }
      loads.append((0...maxExpert).map { row[$0] ?? 0 })
    }
  }
}
