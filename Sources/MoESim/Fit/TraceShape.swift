import Foundation

/// What a recorded routing CSV fixes about the model and workload, read from the file itself:
/// steps, MoE layers, tokens per step, experts and, for decisions, experts per token.
///
/// Experts are the highest id seen + 1 (decisions) or the logit columns (logits); a model with
/// experts that no token picked needs `--model` or `--set model.moe.experts`. `.npy` and `.json`
/// per-token records do not say how many tokens a step holds: they need `--model`.
public struct TraceShape: Sendable, Equatable {
  public var content: RoutingTrace.Content
  public var steps: Int
  /// Transformer-block indices of the MoE layers, ascending.
  public var moeLayers: [Int]
  public var tokensPerStep: Int
  public var experts: Int
  /// Most experts any token has (decisions); nil for logits, which the router decides.
  public var topK: Int?

  /// Scans the CSV trace at `path`. Rows are range-checked later, when the trace is loaded
  /// with this shape; here only what the shape needs is read.
  public static func scan(path: String) throws -> TraceShape {
    guard TraceFormat.detect(path: path) == .csv else {
      throw TraceError(
        file: path, line: nil,
        message: "a per-token record (.npy, .json, .jsonl) does not say how many tokens a step "
          + "holds; give the model and workload with --model SCENARIO")
    }
    var content: RoutingTrace.Content?
    var experts = 0
    var steps = 0
    var tokens = 0
    var layers = Set<Int>()
    struct Slot: Hashable { var step, layer, token: Int }
    var perToken: [Slot: Int] = [:]
    func field(_ fields: [Substring], _ index: Int, _ line: Int, _ name: String) throws -> Int {
      guard index < fields.count,
        let value = Int(fields[index].trimmingCharacters(in: .whitespaces)), value >= 0
      else {
        let text = index < fields.count ? String(fields[index]) : ""
        throw TraceError(
          file: path, line: line,
          message: "\(name) = '\(ErrorText.echo(text))' is not an integer ≥ 0")
      }
      return value
    }
    try RoutingTrace.forEachCSVLine(path) { number, line in
      guard let content else {
        let header = line.split(separator: ",").map(String.init)
        if DecisionColumns(header: header) != nil {
          content = .decisions
        } else if header.count > 3, Array(header.prefix(3)) == ["step", "layer", "token"],
          header.dropFirst(3).enumerated().allSatisfy({ $0.element == "logit_\($0.offset)" })
        {
          content = .logits
          experts = header.count - 3
        } else {
          throw TraceError(
            file: path, line: 1,
            message: "header '\(ErrorText.echo(header.joined(separator: ",")))' is neither "
              + "\(DecisionColumns.summary) nor 'step,layer,token,logit_0,...'")
        }
        return
      }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      let step = try field(fields, 0, number, "step")
      let layer = try field(fields, 1, number, "layer")
      let token = try field(fields, 2, number, "token")
      steps = max(steps, step + 1)
      tokens = max(tokens, token + 1)
      layers.insert(layer)
      if content == .decisions {
        experts = max(experts, try field(fields, 3, number, "expert") + 1)
        perToken[Slot(step: step, layer: layer, token: token), default: 0] += 1
      }
    }
    guard let content else {
      throw TraceError(file: path, line: nil, message: "empty trace; expected a header row")
    }
    guard steps > 0 else {
      throw TraceError(file: path, line: nil, message: "the trace has a header but no rows")
    }
    return TraceShape(
      content: content, steps: steps, moeLayers: layers.sorted(), tokensPerStep: tokens,
      experts: experts, topK: content == .decisions ? perToken.values.max() : nil)
  }
}
