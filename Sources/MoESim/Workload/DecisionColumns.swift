/// The columns of a decisions trace: `step,layer,token,expert`, then any of `gate`, `kept` and
/// `final_gate` (each at most once, in any order), as `moesim export-trace` writes them. A
/// replay routes by `gate` and applies its own scenario's capacity, so `kept` and `final_gate`
/// (what the recording run's capacity did) are checked for form but do not steer the replay.
struct DecisionColumns: Equatable {
  static let leading = ["step", "layer", "token", "expert"]
  static let optional = ["gate", "kept", "final_gate"]
  /// How the columns are described in messages.
  static let summary = "'step,layer,token,expert' then any of 'gate', 'kept', 'final_gate'"

  var count: Int
  var gate: Int?
  var kept: Int?
  var finalGate: Int?

  /// The layout of `header`, or nil when it is not a decisions header.
  init?(header: [String]) {
    guard header.count >= 4, Array(header.prefix(4)) == Self.leading else { return nil }
    let rest = Array(header.dropFirst(4))
    guard rest.allSatisfy(Self.optional.contains), Set(rest).count == rest.count else {
      return nil
    }
    count = header.count
    gate = rest.firstIndex(of: "gate").map { $0 + 4 }
    kept = rest.firstIndex(of: "kept").map { $0 + 4 }
    finalGate = rest.firstIndex(of: "final_gate").map { $0 + 4 }
  }
}
