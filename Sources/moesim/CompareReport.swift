import Foundation
import MoESim

/// The verdict tables `moesim compare` prints: per dense counterpart, the MoE against it aspect
/// by aspect (`ComparisonVerdict`); `comparison.csv` carries the full-precision figures.
enum CompareReport {
  static let widths = [21, 18, 20, 0]

  static func text(_ verdicts: [ComparisonVerdict], tablePath: String) -> String {
    let tables = verdicts.map { verdict -> String in
      let moe = verdict.moe
      let dense = verdict.dense
      let width = dense.ffnIntermediateSize.map { " (dense FFN width \($0))" } ?? ""
      var lines = ["moe vs \(dense.name)\(width)"]
      lines.append(row(["", "moe", dense.name, "verdict"]))
      lines.append(
        row([
          "step time", moe.stepTimeSeconds.map(seconds) ?? "—",
          dense.stepTimeSeconds.map(seconds) ?? "—",
          verdict.speed.map { phrase($0, better: "faster", dense: dense) }
            ?? "blank: \(verdict.timeBlankReason ?? "")",
        ]))
      lines.append(
        row([
          "memory per device", AccountingReport.gibibytes(moe.memoryBytesPerDevice),
          AccountingReport.gibibytes(dense.memoryBytesPerDevice),
          phrase(verdict.memory, better: "less memory", dense: dense),
        ]))
      lines.append(
        row([
          "forward FLOPs/token", AccountingReport.flops(moe.forwardFLOPsPerToken),
          AccountingReport.flops(dense.forwardFLOPsPerToken),
          phrase(verdict.flops, better: "fewer FLOPs", dense: dense),
        ]))
      lines.append(
        row([
          "fits", fits(moe), fits(dense),
          moe.fits && dense.fits
            ? "both fit"
            : moe.fits ? "only moe fits" : dense.fits ? "only \(dense.name) fits" : "neither fits",
        ]))
      lines.append(
        row([
          "loss (Krajewski)", moe.lossKrajewski.map(nats) ?? "—",
          dense.lossKrajewski.map(nats) ?? "—",
          verdict.lossDifference.map { difference in
            difference.winner == .tie
              ? "equal"
              : String(
                format: "%@ lower by %.3f nats", name(difference.winner, dense), difference.nats)
          } ?? "blank: \(verdict.lossBlankReason ?? "")",
        ]))
      lines.append(
        row([
          "loss (Chinchilla)", "n/a", dense.lossChinchilla.map(nats) ?? "—",
          "dense models only (Hoffmann et al. 2022); an estimate",
        ]))
      return lines.joined(separator: "\n")
    }
    return (tables + ["table: \(tablePath)"]).joined(separator: "\n\n")
  }

  /// `moe: 1.22× faster`, `dense_equal_active: 2.84× less memory`, `equal (within 0.5%)`.
  static func phrase(
    _ ratio: ComparisonVerdict.Ratio, better: String, dense: ComparisonVerdict.Side
  ) -> String {
    guard ratio.winner != .tie else { return "equal (within 0.5%)" }
    return String(format: "%@: %.2f× %@", name(ratio.winner, dense), ratio.factor, better)
  }

  static func name(_ winner: ComparisonVerdict.Winner, _ dense: ComparisonVerdict.Side) -> String {
    winner == .dense ? dense.name : winner.rawValue
  }

  static func fits(_ side: ComparisonVerdict.Side) -> String {
    if side.fits { return "yes (\(side.devices) device\(side.devices == 1 ? "" : "s"))" }
    return side.devicesToFit.map { "no (needs \($0))" } ?? "no (none found)"
  }

  static func seconds(_ value: Double) -> String { String(format: "%.4g s", value) }
  static func nats(_ value: Double) -> String { String(format: "%.3f nats", value) }

  static func row(_ cells: [String]) -> String {
    "  "
      + zip(cells, widths).map { cell, width in
        cell + String(repeating: " ", count: max(1, width - cell.count))
      }.joined().replacingOccurrences(of: " +$", with: "", options: .regularExpression)
  }
}
