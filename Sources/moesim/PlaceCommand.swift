import Foundation
import MoESim

/// `moesim place LOADS.csv`: plans expert placement from recorded loads with the simulator's
/// own placement code and prints the plan, the load per device and max/mean per layer.
enum PlaceCommand {
  static let spec = OptionSpec(
    valued: ["--slots", "--devices", "--nodes", "--groups", "--strategy"])

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "place")
    guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
      throw UsageError(message: "place takes one LOADS.csv file", command: "place")
    }
    guard let devices = try parsed.positiveInt("--devices", command: "place") else {
      throw UsageError(message: "place needs --devices D", command: "place")
    }
    let strategyName = parsed.value("--strategy") ?? PlacementKind.replicated.rawValue
    guard let kind = PlacementKind(rawValue: strategyName) else {
      let names = PlacementKind.allCases.map(\.rawValue).joined(separator: ", ")
      throw UsageError(
        message: "--strategy = '\(strategyName)' is not one of \(names)", command: "place")
    }
    let text: String
    do {
      text = try InputText.contents(path)
    } catch {
      throw LoadsFileError(path: path, failure: error)
    }
    let table = try ExpertLoadTable(csv: text, file: path)
    let slots = try parsed.positiveInt("--slots", command: "place") ?? table.experts
    let shape: PlacementShape
    do {
      shape = try PlacementShape(
        experts: table.experts, slots: slots, devices: devices,
        nodes: try parsed.positiveInt("--nodes", command: "place") ?? 1,
        groups: try parsed.positiveInt("--groups", command: "place") ?? 1)
    } catch {
      throw UsageError(message: "\(error)", command: "place")
    }
    print(
      PlacementTables.render(
        table, placements: PlacementTables.plan(table, kind: kind, shape: shape)),
      terminator: "")
  }
}

/// The LOADS file could not be read as text: missing (66) or not UTF-8 (65).
struct LoadsFileError: Error, CustomStringConvertible {
  var path: String
  var failure: InputText.Failure

  var description: String { "\(path): LOADS file \(failure.detail)" }
}
