import Foundation

/// The MoE row of `comparison.csv` against one dense row, aspect by aspect: which is faster and
/// by how much, which needs less memory per device and fewer FLOPs per token, which fits, and
/// the loss estimates, each blank figure with the reason it is blank. Read from the table
/// itself, so the verdict and the CSV cannot disagree.
public struct ComparisonVerdict: Sendable, Equatable {
  /// One variant's figures as `comparison.csv` has them (nil where the cell is empty).
  public struct Side: Sendable, Equatable {
    public var name: String
    public var stepTimeSeconds: Double?
    public var memoryBytesPerDevice: Double
    public var forwardFLOPsPerToken: Double
    public var fits: Bool
    public var devices: Int
    public var devicesToFit: Int?
    public var lossKrajewski: Double?
    public var lossKrajewskiNote: String
    public var lossChinchilla: Double?
    /// Tokens the variant was run through; nil with `--no-run`.
    public var simulatedTokens: Int?
    /// The dense FFN width `W` (nil for the MoE row).
    public var ffnIntermediateSize: Int?
  }

  /// Which side an aspect favours.
  public enum Winner: String, Sendable, Equatable {
    case moe, dense, tie
  }

  /// A comparison of two positive figures where lower is better: the winner and the ratio
  /// worse / better (≥ 1). Figures within 0.5 % of each other are a tie.
  public struct Ratio: Sendable, Equatable {
    public var winner: Winner
    public var factor: Double

    /// Ties within this relative difference.
    public static let tieTolerance = 0.005

    public init(moe: Double, dense: Double) {
      let low = min(moe, dense)
      let high = max(moe, dense)
      factor = low > 0 ? high / low : 1
      winner = factor - 1 <= Self.tieTolerance ? .tie : moe < dense ? .moe : .dense
    }
  }

  public var moe: Side
  public var dense: Side

  /// Faster side by step time, nil when a step time is blank (`timeBlankReason` says why).
  public var speed: Ratio? {
    guard let moeTime = moe.stepTimeSeconds, let denseTime = dense.stepTimeSeconds else {
      return nil
    }
    return Ratio(moe: moeTime, dense: denseTime)
  }

  /// Why the step times are blank, or nil when both are there.
  public var timeBlankReason: String? {
    guard speed == nil else { return nil }
    if moe.simulatedTokens == nil {
      return "not simulated (--no-run); the MoE's step time comes from its run"
    }
    return "needs cluster.placement and cluster.device in the scenario (the time model)"
  }

  /// The side with less memory on its fullest device.
  public var memory: Ratio {
    Ratio(moe: moe.memoryBytesPerDevice, dense: dense.memoryBytesPerDevice)
  }
  /// The side with fewer forward FLOPs per token.
  public var flops: Ratio {
    Ratio(moe: moe.forwardFLOPsPerToken, dense: dense.forwardFLOPsPerToken)
  }

  /// The lower Krajewski loss estimate (a difference, in nats per token), nil when either is
  /// blank.
  public var lossDifference: (winner: Winner, nats: Double)? {
    guard let moeLoss = moe.lossKrajewski, let denseLoss = dense.lossKrajewski else { return nil }
    let difference = abs(moeLoss - denseLoss)
    return (difference < 0.0005 ? .tie : moeLoss < denseLoss ? .moe : .dense, difference)
  }

  /// Why a Krajewski estimate is blank (the table's note), nil when both are there.
  public var lossBlankReason: String? {
    guard lossDifference == nil else { return nil }
    let notes = [moe, dense].filter { $0.lossKrajewski == nil }.map {
      "\($0.name): \($0.lossKrajewskiNote.isEmpty ? "no estimate" : $0.lossKrajewskiNote)"
    }
    return notes.joined(separator: "; ")
  }

  /// One verdict per dense row of `table` (a `comparison.csv`), against its `moe` row.
  /// - Throws: `PlotError` when a column is missing or a cell is not what the writer puts there.
  public static func verdicts(_ table: CSVTable) throws -> [ComparisonVerdict] {
    let sides = try table.rows.indices.map { try side(table, row: $0) }
    guard let moe = sides.first(where: { $0.name == "moe" }) else {
      throw PlotError(path: table.path, detail: "has no 'moe' row")
    }
    return sides.filter { $0.name != "moe" }.map { ComparisonVerdict(moe: moe, dense: $0) }
  }

  static func side(_ table: CSVTable, row index: Int) throws -> Side {
    let row = table.rows[index]
    func cell(_ name: String) throws -> String {
      let column = try table.index(name)
      guard column < row.count else {
        throw PlotError(path: table.path, detail: "row \(index + 2) has no \(name)")
      }
      return row[column]
    }
    func number(_ name: String) throws -> Double? {
      let text = try cell(name)
      if text.isEmpty { return nil }
      guard let value = Double(text) else {
        throw PlotError(path: table.path, detail: "row \(index + 2): \(name) is not a number")
      }
      return value
    }
    func required(_ name: String) throws -> Double {
      guard let value = try number(name) else {
        throw PlotError(path: table.path, detail: "row \(index + 2): \(name) is empty")
      }
      return value
    }
    return Side(
      name: try cell("variant"), stepTimeSeconds: try number("step_time_s"),
      memoryBytesPerDevice: try required("memory_bytes_per_device"),
      forwardFLOPsPerToken: try required("forward_flops_per_token"),
      fits: try cell("fits") == "true", devices: Int(try required("devices")),
      devicesToFit: try number("devices_to_fit").map { Int($0) },
      lossKrajewski: try number("loss_estimate_krajewski"),
      lossKrajewskiNote: try cell("loss_estimate_krajewski_note"),
      lossChinchilla: try number("loss_estimate_chinchilla"),
      simulatedTokens: try number("simulated_tokens").map { Int($0) },
      ffnIntermediateSize: try number("ffn_intermediate_size").map { Int($0) })
  }
}
