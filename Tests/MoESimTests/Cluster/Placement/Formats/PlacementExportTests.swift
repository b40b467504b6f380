import Foundation
import Testing

@testable import MoESim

/// Each runtime format read back by a parser of its own (Foundation's JSONSerialization, a
/// YAML-subset reader written here): every expert placed, the slots per device, and the load
/// per device recomputed from the file equal to the planner's.
@Suite struct PlacementExportTests {
  static let devices = 4
  static let slots = 20

  static func plan() throws -> (ExpertLoadTable, [ExpertPlacement]) {
    let table = try LoadFormat.csv.read(path: TestSupport.scenarioPath("traces/example-loads.csv"))
    let shape = try PlacementShape(experts: table.experts, slots: slots, devices: devices)
    return (table, PlacementTables.plan(table, kind: .replicated, shape: shape))
  }

  /// Device loads from a slot list alone: expert `e`'s load split over its `count(e)` slots,
  /// slot `s` on device `s / (slots / devices)` — the runtimes' rank-major layout.
  static func deviceLoads(_ slotExperts: [Int], loads: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: devices)
    for (slot, expert) in slotExperts.enumerated() {
      let copies = slotExperts.filter { $0 == expert }.count
      result[slot / (slotExperts.count / devices)] += loads[expert] / Double(copies)
    }
    return result
  }

  static func check(_ rows: [[Int]], _ table: ExpertLoadTable, _ placements: [ExpertPlacement]) {
    #expect(rows.count == table.layers.count)
    for (index, row) in rows.enumerated() {
      #expect(row.count == slots)
      #expect(row.count % devices == 0)
      #expect(Set(row) == Set(0..<table.experts), "every expert placed in layer \(index)")
      let expected = placements[index].deviceLoads(expertLoads: table.loads[index])
      let recomputed = deviceLoads(row, loads: table.loads[index])
      for (a, b) in zip(expected, recomputed) { #expect(abs(a - b) <= 1e-9 * max(1, a)) }
    }
  }

  static func integers(_ value: Any?) -> [Int]? {
    (value as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue }
  }

  @Test func sglangMapReadsBack() throws {
    let (table, placements) = try Self.plan()
    let text = PlacementExportFormat.sglang.render(table, placements: placements)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    #expect(object?.keys.sorted() == ["physical_to_logical_map"])
    let rows = (object?["physical_to_logical_map"] as? [Any])?.compactMap(Self.integers) ?? []
    Self.check(rows, table, placements)
  }

  /// EPLB's three maps agree with each other: `logcnt[e]` = slots of `e` in `phy2log`, and
  /// `log2phy[e]` lists exactly those slots, padded with −1.
  @Test func eplbMapsReadBackAndAgree() throws {
    let (table, placements) = try Self.plan()
    let text = PlacementExportFormat.eplb.render(table, placements: placements)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object.keys.sorted() == ["log2phy", "logcnt", "phy2log"])
    let phy2log = (object["phy2log"] as? [Any])?.compactMap(Self.integers) ?? []
    Self.check(phy2log, table, placements)
    let logcnt = (object["logcnt"] as? [Any])?.compactMap(Self.integers) ?? []
    let log2phy =
      (object["log2phy"] as? [Any])?.map { ($0 as? [Any])?.compactMap(Self.integers) ?? [] } ?? []
    #expect(logcnt.count == phy2log.count && log2phy.count == phy2log.count)
    for (layer, row) in phy2log.enumerated() {
      #expect(logcnt[layer].reduce(0, +) == Self.slots)
      for expert in 0..<table.experts {
        let slots = row.indices.filter { row[$0] == expert }
        #expect(logcnt[layer][expert] == slots.count)
        #expect(log2phy[layer][expert].filter { $0 >= 0 } == slots)
      }
    }
  }

  /// The YAML subset `yaml.dump` writes here, read line by line: `key: value` at the top level,
  /// `  layer: [e, e, ...]` under `initial_global_assignments`.
  @Test func tensorRTLLMConfigReadsBack() throws {
    let (table, placements) = try Self.plan()
    let text = PlacementExportFormat.trtllm.render(table, placements: placements)
    var top: [String: String] = [:]
    var assignments: [Int: [Int]] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      if line.hasPrefix("  ") {
        let list = parts[1].dropFirst().dropLast().split(separator: ",").compactMap {
          Int($0.trimmingCharacters(in: .whitespaces))
        }
        assignments[Int(parts[0]) ?? -1] = list
      } else {
        top[parts[0]] = parts[1]
      }
    }
    #expect(
      top == ["initial_global_assignments": "", "layer_updates_per_iter": "0", "num_slots": "20"])
    #expect(assignments.keys.sorted() == table.layers)
    Self.check(table.layers.map { assignments[$0] ?? [] }, table, placements)
  }

  /// vLLM Ascend's map: one entry per recorded layer, `layer_id` its ordinal, and each
  /// device's `device_expert` its slots in order.
  @Test func vLLMAscendMapReadsBack() throws {
    let (table, placements) = try Self.plan()
    let text = PlacementExportFormat.vllmAscend.render(table, placements: placements)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object.keys.sorted() == ["layer_list", "moe_layer_count"])
    #expect(object["moe_layer_count"] as? Int == table.layers.count)
    let layers = object["layer_list"] as? [[String: Any]] ?? []
    #expect(layers.map { $0["layer_id"] as? Int } == table.layers.indices.map { $0 })
    let rows = layers.map { layer in
      let devices = layer["device_list"] as? [[String: Any]] ?? []
      #expect(layer["device_count"] as? Int == Self.devices && devices.count == Self.devices)
      #expect(devices.map { $0["device_id"] as? Int } == (0..<Self.devices).map { $0 })
      return devices.flatMap { Self.integers($0["device_expert"]) ?? [] }
    }
    Self.check(rows, table, placements)
  }

  /// SGLang and EPLB index rows by model layer: layers without loads (0 and 2 here) get
  /// SGLang's trivial layout, slot `s` → expert `s mod E`.
  @Test func unrecordedLayersGetTheTrivialLayout() throws {
    let table = ExpertLoadTable(layers: [1, 3], experts: 2, loads: [[3, 1], [1, 3]])
    let shape = try PlacementShape(experts: 2, slots: 4, devices: 2)
    let placements = PlacementTables.plan(table, kind: .replicated, shape: shape)
    let text = PlacementExportFormat.sglang.render(table, placements: placements)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let rows = (object?["physical_to_logical_map"] as? [Any])?.compactMap(Self.integers) ?? []
    #expect(
      rows == [[0, 1, 0, 1], placements[0].slotExperts, [0, 1, 0, 1], placements[1].slotExperts])
  }

  /// The shipped `example-export-*` files are what the exports write today for
  /// `moesim place Scenarios/traces/example-loads.csv --devices 4 --slots 20`.
  @Test(arguments: [
    (PlacementExportFormat.sglang, "example-export-sglang-init-expert-location.json"),
    (.eplb, "example-export-eplb-plan.json"),
    (.trtllm, "example-export-trtllm-moe_load_balancer.yaml"),
    (.vllmAscend, "example-export-vllm-ascend-expert-map.json"),
  ])
  func shippedExportsAreCurrent(format: PlacementExportFormat, name: String) throws {
    let (table, placements) = try Self.plan()
    let shipped = try String(
      contentsOfFile: TestSupport.scenarioPath("traces/\(name)"), encoding: .utf8)
    #expect(format.render(table, placements: placements) == shipped)
  }
}
