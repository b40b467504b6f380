import Foundation
import Testing

@testable import MoESim

/// `moesim place` end to end, and the load-table reader's errors.
@Suite struct PlaceCommandTests {
  static let loads = "layer,expert,load\n0,0,4\n0,1,3\n0,2,2\n0,3,1\n"

  /// Contiguous on 2 devices: {0,1} = 7, {2,3} = 3; mean 5, max/mean 1.4 (by hand).
  @Test func contiguousPlanIsPrinted() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("loads.csv")
    try Self.loads.write(to: file, atomically: true, encoding: .utf8)
    let outcome = try CommandLineTests().moesim([
      "place", file.path, "--devices", "2", "--strategy", "contiguous",
    ])
    #expect(outcome.status == 0)
    let blocks = outcome.standardOutput.components(separatedBy: "\n\n")
    #expect(blocks.count == 3)
    #expect(blocks[0] == "layer,slot,device,expert\n0,0,0,0\n0,1,0,1\n0,2,1,2\n0,3,1,3")
    #expect(blocks[1] == "layer,device,load\n0,0,7\n0,1,3")
    #expect(
      blocks[2] == "layer,max_device_load,mean_device_load,max_over_mean_device_load\n0,7,5,1.4\n")
  }

  /// A moe-balance trace is placed from its per-expert token counts: layer 0 counts experts
  /// [3, 1, 1, 1] (by hand), contiguous on 2 devices {0,1} = 4, {2,3} = 2, max/mean 4/3.
  @Test func moeBalanceTraceIsPlaced() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("trace.jsonl")
    try #"{"layer": 0, "batch_id": 0, "topk_experts": [[0, 1], [0, 2], [0, 3]]}"#
      .write(to: file, atomically: true, encoding: .utf8)
    let outcome = try CommandLineTests().moesim([
      "place", file.path, "--devices", "2", "--strategy", "contiguous", "--experts", "4",
    ])
    #expect(outcome.status == 0)
    let blocks = outcome.standardOutput.components(separatedBy: "\n\n")
    #expect(blocks.count == 3)
    #expect(blocks[1] == "layer,device,load\n0,0,4\n0,1,2")
    let tooFew = try CommandLineTests().moesim([
      "place", file.path, "--devices", "1", "--experts", "3",
    ])
    #expect(tooFew.status == 65)
    #expect(tooFew.standardError.contains("topk_experts[2][1] = 3.0 is out of range"))
    let csv = folder.appendingPathComponent("loads.csv")
    try Self.loads.write(to: csv, atomically: true, encoding: .utf8)
    let misplaced = try CommandLineTests().moesim([
      "place", csv.path, "--devices", "2", "--experts", "4",
    ])
    #expect(misplaced.status == 64)
    #expect(misplaced.standardError.contains("--experts applies to moe-balance traces only"))
  }

  @Test func badInputIsRefusedWithItsStatus() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("loads.csv")
    try Self.loads.write(to: file, atomically: true, encoding: .utf8)
    #expect(try CommandLineTests().moesim(["place", file.path, "--devices", "3"]).status == 64)
    #expect(try CommandLineTests().moesim(["place", file.path]).status == 64)
    let missing = folder.appendingPathComponent("none.csv").path
    #expect(try CommandLineTests().moesim(["place", missing, "--devices", "2"]).status == 66)
    try "layer,expert,load\n0,0,1\n0,0,2\n".write(to: file, atomically: true, encoding: .utf8)
    #expect(try CommandLineTests().moesim(["place", file.path, "--devices", "1"]).status == 65)
  }

  @Test(arguments: [
    (
      "layer,expert\n",
      "f.csv: line 1: header = \"layer,expert\" is out of range; allowed the header layer,expert,load"
    ),
    (
      "layer,expert,load\n0,0,1\n0,1,-2\n",
      "f.csv: line 3: load = \"-2\" has the wrong type; expected a finite number ≥ 0"
    ),
    (
      "layer,expert,load\n0,0,1\n0,x,2\n",
      "f.csv: line 3: expert = \"x\" has the wrong type; expected an integer in 0..<65536"
    ),
    (
      "layer,expert,load\n0,0,1\n0,1\n",
      "f.csv: line 3: row = \"0,1\" has the wrong type; expected 3 fields layer,expert,load"
    ),
    (
      "layer,expert,load\n0,0,1\n0,1,1\n1,1,1\n",
      "f.csv: layer 1: expert 0 is required but missing (every layer lists experts 0...1)"
    ),
  ])
  func tableErrorsNameTheLine(text: String, message: String) {
    #expect(throws: ScenarioError.self) { try ExpertLoadTable(csv: text, file: "f.csv") }
    do {
      _ = try ExpertLoadTable(csv: text, file: "f.csv")
    } catch {
      #expect("\(error)" == message)
    }
  }

  @Test func tableIsReadByLayer() throws {
    let table = try ExpertLoadTable(
      csv: "layer,expert,load\n5,1,2\n3,0,1\n3,1,4\n5,0,0.5\n", file: "f.csv")
    #expect(table.layers == [3, 5])
    #expect(table.experts == 2)
    #expect(table.loads == [[1, 4], [0.5, 2]])
  }

  /// The shipped examples of every load format hold the same loads: byte-identical tables.
  @Test func everyLoadFormatPrintsTheSamePlan() throws {
    var outputs: Set<String> = []
    for name in [
      "example-loads.csv", "example-eplb-weight.npy", "example-eplb-weight.csv",
      "example-sglang-expert-distribution.json", "example-trtllm-statistic",
      "example-megatron-tokens-per-expert.jsonl", "example-vllm-eplb-load-window.json",
    ] {
      let outcome = try CommandLineTests().moesim([
        "place", TestSupport.scenarioPath("traces/\(name)"), "--devices", "4", "--slots", "20",
      ])
      #expect(outcome.status == 0, "\(name): \(outcome.standardError)")
      outputs.insert(outcome.standardOutput)
    }
    #expect(outputs.count == 1)
  }

  /// `--export` writes the file; a bad load file is refused with 65 and nothing is written.
  @Test func exportIsWrittenOnlyForGoodInput() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("plan.yaml")
    let good = try CommandLineTests().moesim([
      "place", TestSupport.scenarioPath("traces/example-loads.csv"), "--devices", "4",
      "--export", "trtllm", "--export-out", out.path,
    ])
    #expect(good.status == 0)
    #expect(try String(contentsOf: out, encoding: .utf8).hasSuffix("num_slots: 16\n"))
    try FileManager.default.removeItem(at: out)
    let bad = folder.appendingPathComponent("bad.json")
    try #"{"logical_count": [[1, 2], [3]]}"#.write(to: bad, atomically: true, encoding: .utf8)
    let refused = try CommandLineTests().moesim([
      "place", bad.path, "--devices", "1", "--export", "sglang", "--export-out", out.path,
    ])
    #expect(refused.status == 65)
    #expect(
      refused.standardError.contains("\(bad.path): logical_count[1] is not a list of 2 items"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
    let alone = try CommandLineTests().moesim([
      "place", bad.path, "--devices", "1", "--export", "sglang",
    ])
    #expect(alone.status == 64)
    let unknown = try CommandLineTests().moesim([
      "place", bad.path, "--devices", "1", "--format", "parquet",
    ])
    #expect(unknown.status == 64)
  }
}
