import Foundation
import Testing

@testable import MoESim

/// The key table behind `moesim help scenario` is the one the decoder accepts.
@Suite struct ScenarioKeysTests {
  /// For each block, overrides that put an unknown key `not_a_key` into it.
  static let probes: [(block: String, overrides: [String])] = [
    ("", ["not_a_key=1"]),
    ("model", ["model.not_a_key=1"]),
    ("model.attention", ["model.attention.not_a_key=1"]),
    ("model.attention.mla", ["model.attention.mla.not_a_key=1"]),
    ("model.ffn", ["model.ffn.not_a_key=1"]),
    ("model.moe", ["model.moe.not_a_key=1"]),
    ("router", ["router.not_a_key=1"]),
    ("workload", ["workload.not_a_key=1"]),
    ("workload.domains[]", ["workload.domains=[{name: \"a\", not_a_key: 1}]"]),
    ("workload.domain_schedule[]", ["workload.domain_schedule=[{not_a_key: 1}]"]),
    ("precision", ["precision.not_a_key=1"]),
    ("cluster", ["cluster.not_a_key=1"]),
    ("cluster.layout", ["cluster.layout.not_a_key=1"]),
    ("cluster.device", ["cluster.device={not_a_key: 1}"]),
    ("cluster.placement", ["cluster.placement.not_a_key=1"]),
    ("cluster.cost", ["cluster.cost.not_a_key=1"]),
    ("memory", ["memory.not_a_key=1"]),
    ("compute", ["compute.not_a_key=1"]),
    (
      "validation[]",
      [
        "cluster.device=h100-sxm",
        "validation={metric: \"step_time_s\", measured: 1, source: \"x\", not_a_key: 1}",
      ]
    ),
  ]

  @Test func everyBlockIsProbed() {
    #expect(Set(Self.probes.map(\.block)) == Set(ScenarioKeys.blocks))
  }

  /// The decoder's own list of allowed keys, quoted in its unknown-key error, is the table's.
  @Test(arguments: probes.map(\.block))
  func theDecoderAcceptsExactlyTheListedKeys(_ block: String) throws {
    let overrides = try #require(Self.probes.first { $0.block == block }).overrides
    #expect {
      try TestSupport.quickstart(overrides)
    } throws: { error in
      guard let error = error as? ScenarioError,
        case .unknownKey(_, let allowed) = error.kind
      else { return false }
      let listed = ScenarioKeys.all.filter { $0.block == block }.map(\.name)
      return error.path.hasSuffix("not_a_key") && Set(allowed) == Set(listed)
        && allowed.count == listed.count
    }
  }

  @Test func choicesComeFromTheEnumsAndEveryKeyHasAMeaning() {
    let kind = ScenarioKeys.all.first { $0.path == "router.kind" }
    #expect(kind?.allowed.contains("\"sigmoid_topk\"") == true)
    #expect(kind?.allowed.components(separatedBy: ", ").count == RouterKind.allCases.count)
    for key in ScenarioKeys.all {
      #expect(
        !key.meaning.isEmpty && !key.defaultValue.isEmpty && !key.allowed.isEmpty, "\(key.path)")
      #expect(!key.meaning.contains("\n"), "\(key.path)")
    }
    #expect(Set(ScenarioKeys.all.map(\.path)).count == ScenarioKeys.all.count)
  }
}
