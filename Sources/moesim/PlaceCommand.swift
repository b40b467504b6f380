import Foundation
import MoESim

/// `moesim place LOADS`: plans expert placement from recorded loads (MoESim's CSV or a serving
/// or training system's own record) with the simulator's own placement code, prints the plan,
/// the load per device and max/mean per layer, and optionally writes the plan in a runtime's
/// format.
enum PlaceCommand {
  static let spec = OptionSpec(
    valued: [
      "--slots", "--devices", "--nodes", "--groups", "--strategy", "--format", "--export",
      "--export-out", "--experts",
    ], flags: ["--allow-large"])

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "place")
    guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
      throw UsageError(message: "place takes one LOADS file or folder", command: "place")
    }
    guard let devices = try parsed.positiveInt("--devices", command: "place") else {
      throw UsageError(message: "place needs --devices D", command: "place")
    }
    let kind = try choice(parsed, "--strategy", of: PlacementKind.self) ?? .replicated
    let export = try choice(parsed, "--export", of: PlacementExportFormat.self)
    let exportPath = parsed.value("--export-out")
    guard (export == nil) == (exportPath == nil) else {
      throw UsageError(message: "--export F and --export-out PATH go together", command: "place")
    }
    let format: LoadFormat
    if let named = try choice(parsed, "--format", of: LoadFormat.self) {
      format = named
    } else if let detected = try LoadFormat.detect(path: path) {
      format = detected
    } else {
      let names = LoadFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw UsageError(
        message: "cannot tell the format of '\(path)' from its name; give --format (\(names))",
        command: "place")
    }
    let experts = try parsed.positiveInt("--experts", command: "place")
    if let experts {
      guard format == .moeBalance else {
        throw UsageError(
          message: "--experts applies to moe-balance traces only (the \(format.rawValue) format "
            + "lists every expert)", command: "place")
      }
      guard experts <= ScenarioLimits.experts else {
        throw UsageError(
          message: "--experts \(experts) is out of range; allowed 1...\(ScenarioLimits.experts)",
          command: "place")
      }
    }
    let table: ExpertLoadTable
    if format == .csv {
      let text: String
      do {
        text = try InputText.contents(path)
      } catch {
        throw LoadsFileError(path: path, failure: error)
      }
      table = try ExpertLoadTable(csv: text, file: path)
    } else {
      table = try format.read(path: path, experts: experts)
    }
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
    if !parsed.flags.contains("--allow-large"),
      let refusal = WorkBudget.placementRefusal(slots: slots, layers: table.layers.count)
    {
      throw UsageError(message: refusal, command: "place")
    }
    let placements = PlacementTables.plan(table, kind: kind, shape: shape)
    if let export, let exportPath {
      try AtomicFile.write(export.render(table, placements: placements), to: exportPath)
    }
    print(PlacementTables.render(table, placements: placements), terminator: "")
  }

  /// The value of a named-choice option, nil when it is absent.
  static func choice<Choice: RawRepresentable & CaseIterable>(
    _ parsed: Arguments, _ option: String, of type: Choice.Type
  ) throws -> Choice? where Choice.RawValue == String {
    guard let name = parsed.value(option) else { return nil }
    guard let value = Choice(rawValue: name) else {
      let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
      throw UsageError(message: "\(option) = '\(name)' is not one of \(names)", command: "place")
    }
    return value
  }
}

/// The LOADS file could not be read as text: missing (66) or not UTF-8 (65).
struct LoadsFileError: Error, CustomStringConvertible {
  var path: String
  var failure: InputText.Failure

  var description: String { "\(path): LOADS file \(failure.detail)" }
}
