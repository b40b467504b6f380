import Foundation
import Testing

@testable import MoESim

/// The checkable claims in the comments of each shipped scenario agree with the file: a
/// config.json figure quoted in a comment (`n_routed_experts 256`, `num_experts_per_tok 8`, …),
/// the router a comment says the scenario routes with, and the steps the quickstart says it runs.
@Suite struct ScenarioCommentClaimsTests {
  /// A claim spelling in a comment and the resolved scenario key it is about.
  static let claims: [(pattern: String, path: String)] = [
    (#"\bvocab_size (\d+)\b"#, "model.vocab_size"),
    (#"\bhidden_size (\d+)\b"#, "model.hidden_size"),
    (#"\bnum_hidden_layers (\d+)\b"#, "model.layers"),
    (#"\bnum_attention_heads (\d+)\b"#, "model.attention.heads"),
    (#"\bnum_key_value_heads (\d+)\b"#, "model.attention.kv_heads"),
    (#"\b(?:n_routed_experts|num_local_experts|num_experts) (\d+)\b"#, "model.moe.experts"),
    (#"\bnum_experts_per_tok (\d+)\b"#, "model.moe.top_k"),
    (#"\bmoe_intermediate_size (\d+)\b"#, "model.moe.expert_intermediate_size"),
    (#"\bn_shared_experts (\d+)\b"#, "model.moe.shared_experts"),
    (#"\bfirst_k_dense_replace = (\d+)\b"#, "model.moe.first_dense_layers"),
    (#"\bn_group (\d+)\b"#, "router.n_group"),
    (#"\btopk_group (\d+)\b"#, "router.topk_group"),
    (#"\brouted_scaling_factor ([0-9.]+\d)\b"#, "router.routed_scaling_factor"),
    (#"\bscoring_func "(sigmoid|softmax)""#, "router.kind"),
    (#"\broutes with the ([a-z_0-9]+) router\b"#, "router.kind"),
    (#"\brouted for (\d+) steps\b"#, "workload.steps"),
  ]

  static var shipped: [String] {
    let folder = TestSupport.packageRoot.appendingPathComponent("Scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json5") }.sorted()
  }

  /// The text of every `//` comment in `text`.
  static func comments(_ text: String) -> String {
    text.split(separator: "\n").compactMap { line in
      line.range(of: "//").map { String(line[$0.upperBound...]) }
    }.joined(separator: " ")
  }

  /// The value at `path` in the resolved scenario echo, as text.
  static func value(_ tree: Any?, _ path: String) -> String? {
    var node = tree
    for component in path.split(separator: ".") {
      node = (node as? [String: Any])?[String(component)]
    }
    if let number = node as? NSNumber { return number.stringValue }
    return node as? String
  }

  /// A claimed value against the file's: numbers equal, a scoring function named by the
  /// router kind (`sigmoid` → `sigmoid_topk`), a router kind exactly.
  static func agrees(claimed: String, actual: String, path: String) -> Bool {
    if path == "router.kind" { return actual == claimed || actual.hasPrefix(claimed + "_") }
    if let a = Double(claimed), let b = Double(actual) { return a == b }
    return claimed == actual
  }

  @Test func everyShippedScenarioHasClaimsChecked() {
    // Every file but the trace replay names at least one checkable figure.
    #expect(Self.shipped.count >= 9)
  }

  @Test(arguments: shipped)
  func commentsAgreeWithTheFile(_ name: String) throws {
    let path = TestSupport.scenarioPath(name)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let scenario = try Scenario.load(path: path)
    let tree = try JSONSerialization.jsonObject(with: Data(RunWriter.resolvedJSON(scenario).utf8))
    let comments = Self.comments(text)
    var checked = 0
    for claim in Self.claims {
      let regex = try NSRegularExpression(pattern: claim.pattern)
      let range = NSRange(comments.startIndex..., in: comments)
      for match in regex.matches(in: comments, range: range) {
        guard let valueRange = Range(match.range(at: 1), in: comments) else { continue }
        let claimed = String(comments[valueRange])
        let actual = Self.value(tree, claim.path) ?? "(absent)"
        let quoted = Range(match.range, in: comments).map { String(comments[$0]) } ?? claimed
        #expect(
          Self.agrees(claimed: claimed, actual: actual, path: claim.path),
          "\(name): a comment says '\(quoted)' but \(claim.path) = \(actual)")
        checked += 1
      }
    }
    if name != "trace-replay.json5" { #expect(checked > 0, "\(name): no checkable claim found") }
  }
}
