import Foundation
import Testing

@testable import MoESim

/// A run's final placement written in each runtime's format (`cluster.placement.export`), read
/// back with parsers of the tests' own (Foundation's JSONSerialization; the YAML subset by hand,
/// as `PlacementExportTests` does): every expert placed, the slots per device, and the load per
/// device recomputed from the file and from loads measured by a second, independent run equal to
/// the planner's.
@Suite struct RunPlacementExportTests {
  static let devices = 4
  static let slots = 20
  /// The final plan is made before step 3 from steps 0 … 2 (`window_steps: 3`, no re-plan).
  static let windowSteps = 3

  static func scenario(_ format: PlacementExportFormat?, steps: Int = 4) throws -> Scenario {
    try TestSupport.quickstart(
      [
        "workload.steps=\(steps)", "workload.tokens_per_step=128", "model.layers=4",
        "cluster.layout={dp: 4, ep: 4}",
      ]
        + (format.map {
          [
            "cluster.placement={strategy: \"replicated\", redundant_slots: 4, window_steps: 3, "
              + "export: \"\($0.rawValue)\"}"
          ]
        } ?? []))
  }

  /// Per MoE layer, the assignments routed to each expert over steps 0 … 2, from `experts.csv`
  /// of the same scenario run for those three steps only (routing never depends on the
  /// placement, and every step draws its own streams).
  /// Computed once for every format's case.
  static let windowLoads = Result { try measureWindowLoads() }

  static func measureWindowLoads() throws -> ExpertLoadTable {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try RunWriter.run(scenario(nil, steps: windowSteps), folder: folder.path, threads: 2)
    let rows = try TestSupport.readCSV(folder.appendingPathComponent("experts.csv")).dropFirst()
    let layers = Array(Set(rows.compactMap { Int($0[0]) })).sorted()
    var loads = [[Double]](repeating: [Double](repeating: 0, count: 16), count: layers.count)
    for row in rows {
      guard let layer = layers.firstIndex(of: Int(row[0]) ?? -1), let expert = Int(row[1]),
        let routed = Double(row[2])
      else { continue }
      loads[layer][expert] = routed
    }
    return ExpertLoadTable(layers: layers, experts: 16, loads: loads)
  }

  /// The slot list of every MoE layer in the file, by block index (`layers`: the MoE layers'
  /// block indices, for vLLM Ascend's MoE-layer ordinals).
  static func readBack(_ text: String, format: PlacementExportFormat, layers: [Int]) throws
    -> [Int: [Int]]
  {
    let integers = { (value: Any?) in (value as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue }
    }
    switch format {
    case .sglang, .eplb:
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let key = format == .sglang ? "physical_to_logical_map" : "phy2log"
      let rows = (object[key] as? [Any])?.compactMap(integers) ?? []
      return Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($0, $1) })
    case .vllmAscend:
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      #expect(object["moe_layer_count"] as? Int == layers.count)
      var rows: [Int: [Int]] = [:]
      for case let layer as [String: Any] in object["layer_list"] as? [Any] ?? [] {
        let devices = layer["device_list"] as? [[String: Any]] ?? []
        #expect(layer["device_count"] as? Int == devices.count)
        #expect(devices.map { $0["device_id"] as? Int } == devices.indices.map { $0 })
        let ordinal = try #require(layer["layer_id"] as? Int)
        rows[layers[ordinal]] = devices.flatMap { integers($0["device_expert"]) ?? [] }
      }
      return rows
    case .trtllm:
      var assignments: [Int: [Int]] = [:]
      for line in text.split(separator: "\n") where line.hasPrefix("  ") {
        let parts = line.split(separator: ":", maxSplits: 1).map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        assignments[Int(parts[0]) ?? -1] = parts[1].dropFirst().dropLast().split(separator: ",")
          .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      }
      return assignments
    }
  }

  @Test(arguments: PlacementExportFormat.allCases)
  func finalPlacementReadsBack(format: PlacementExportFormat) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let measured = try Self.windowLoads.get()
    let out = folder.appendingPathComponent("run")
    let totals = try RunWriter.run(Self.scenario(format), folder: out.path, threads: 2)
    let planner = try #require(totals.finalPlacement)
    #expect(planner.loads == measured, "the plan was made from steps 0 … 2's loads")

    let text = try String(
      contentsOf: out.appendingPathComponent(format.runFileName), encoding: .utf8)
    let rows = try Self.readBack(text, format: format, layers: measured.layers)
    #expect(measured.layers == [1, 2, 3])
    for (index, layer) in measured.layers.enumerated() {
      let row = try #require(rows[layer], "layer \(layer) is in the file")
      #expect(row.count == Self.slots && row.count % Self.devices == 0)
      #expect(Set(row) == Set(0..<16), "every expert placed in layer \(layer)")
      var perDevice = [Double](repeating: 0, count: Self.devices)
      for (slot, expert) in row.enumerated() {
        let copies = row.filter { $0 == expert }.count
        perDevice[slot / (Self.slots / Self.devices)] +=
          measured.loads[index][expert] / Double(copies)
      }
      for (fromFile, fromPlanner) in zip(perDevice, planner.deviceLoads[index]) {
        #expect(abs(fromFile - fromPlanner) <= 1e-9 * max(1, fromPlanner))
      }
    }
    // The same file as `moesim place` writes for those loads.
    let shape = try PlacementShape(experts: 16, slots: Self.slots, devices: Self.devices)
    #expect(
      text
        == format.render(
          measured, placements: PlacementTables.plan(measured, kind: .replicated, shape: shape)))
    let manifest = try #require(ResultManifest.read(folder: out.path))
    #expect(manifest[format.runFileName] == text.utf8.count)
  }

  /// The command-line option is the scenario key; a format neither knows is a usage error
  /// (as every bad `--set` value is), with nothing written.
  @Test func commandLineOptionAndRefusals() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let base = [
      "run", "--set", "workload.steps=2", "--set", "workload.tokens_per_step=256", "--set",
      "cluster.layout={dp: 4, ep: 4}", "--set", "cluster.placement={strategy: \"load_aware\"}",
      "--quiet",
    ]
    let out = folder.appendingPathComponent("ok")
    let ok = try CommandLineTests().moesim(
      base + ["--export-placement", "trtllm", "--out", out.path])
    #expect(ok.status == 0, "\(ok.standardError)")
    #expect(
      FileManager.default.fileExists(
        atPath: out.appendingPathComponent("placement-trtllm.yaml").path))
    let usage = try CommandLineTests().moesim(
      base + ["--export-placement", "vllm", "--out", folder.appendingPathComponent("a").path])
    #expect(usage.status == 64)
    #expect(
      usage.standardError.contains("--export-placement 'vllm' is not one of sglang, eplb, trtllm, vllm-ascend"))
    let data = try CommandLineTests().moesim(
      base + [
        "--set", "cluster.placement.export=yaml", "--out", folder.appendingPathComponent("b").path,
      ])
    #expect(data.status == 64)
    #expect(
      data.standardError.contains(
        #"cluster.placement.export = "yaml" is out of range; allowed one of "sglang", "eplb", "trtllm", "vllm-ascend""#
      ))
    let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(entries == ["ok"])
  }
}
