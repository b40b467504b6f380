import Foundation

/// The scenario a fit starts from: the model and router a trace was routed by, and the trace's
/// shape (steps, tokens per step), with every knob the fit does not estimate.
public enum FitBase {
  /// Domains of the base workload when no `--model` gives a mixture: enough that a step of a
  /// few sequences holds several and batch-to-batch variation is visible, none favoured.
  public static let defaultDomains = 8

  /// The base for the trace at `tracePath`.
  /// - Parameters:
  ///   - model: a scenario file giving the model, router and workload; its `tokens_per_step`
  ///     and `steps` are replaced by a CSV trace's. Without it the model holds what a CSV trace
  ///     fixes (MoE layers, experts, top-k) and placeholder sizes.
  ///   - overrides: `--set` overrides, applied to the model file or the generated base.
  public static func scenario(
    tracePath: String, model: String?, overrides: [ScenarioOverride]
  ) throws -> Scenario {
    let isCSV = TraceFormat.detect(path: tracePath) == .csv
    if let model {
      var scenario = try Scenario.load(path: model, overrides: overrides)
      guard scenario.model.moe != nil, !scenario.model.moeLayerIndices.isEmpty else {
        throw ScenarioError(
          file: model, path: "model.moe",
          kind: .missingKey(reason: "a fit needs the MoE layers the trace was routed by"))
      }
      if [.hash, .expertChoice].contains(scenario.router.kind) {
        // Hash routing ignores the hidden state; expert choice gives tokens no first choice.
        throw ScenarioError(
          file: model, path: "router.kind",
          kind: .outOfRange(
            value: "\"\(scenario.router.kind.rawValue)\"",
            allowed: "a token-choice router that scores the hidden state (softmax_topk, "
              + "sigmoid_topk, switch, gshard_top2, noisy_topk), whose inputs a fit estimates"))
      }
      if isCSV {
        let shape = try TraceShape.scan(path: tracePath)
        scenario.workload.tokensPerStep = shape.tokensPerStep
        scenario.workload.steps = shape.steps
      }
      scenario.workload.kind = .synthetic
      scenario.workload.trace = nil
      return scenario
    }
    let shape = try TraceShape.scan(path: tracePath)
    guard let topK = shape.topK else {
      throw TraceError(
        file: tracePath, line: nil,
        message: "a logits trace does not say how many experts a token takes or how they are "
          + "scored; give the model and router with --model SCENARIO")
    }
    return try Scenario.parse(
      Data(text(shape: shape, topK: topK, tracePath: tracePath).utf8),
      file: "<fit base for \(tracePath)>", overrides: overrides)
  }

  /// The generated base scenario: the trace's MoE layers (other blocks dense), experts and
  /// top-k; placeholder sizes that only the parameter and memory figures read.
  static func text(shape: TraceShape, topK: Int, tracePath: String) -> String {
    let blocks = (shape.moeLayers.last ?? 0) + 1
    let dense = (0..<blocks).filter { !shape.moeLayers.contains($0) }
    let domains = (0..<defaultDomains).map { "{ name: \"domain_\($0)\" }" }
    return """
      {
        name: "\(name(forTrace: tracePath))",
        model: {
          vocab_size: 32000, hidden_size: 1024, layers: \(blocks),
          attention: { heads: 16 },
          ffn: { intermediate_size: 2816 },
          moe: {
            experts: \(shape.experts), top_k: \(min(topK, shape.experts)),
            expert_intermediate_size: 1408,
            dense_layers: [\(dense.map(String.init).joined(separator: ", "))],
          },
        },
        router: { kind: "softmax_topk", capacity_factor: null },
        workload: {
          tokens_per_step: \(shape.tokensPerStep), steps: \(shape.steps),
          sequence_length: \(min(512, shape.tokensPerStep)),
          domains: [\(domains.joined(separator: ", "))],
        },
      }
      """
  }

  /// `fit-<file stem>` with every character a scenario name does not allow replaced by `_`.
  public static func name(forTrace path: String) -> String {
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    return "fit-" + String(stem.prefix(64).map { allowed.contains($0) ? $0 : "_" })
  }
}
