import Foundation
import Testing

@testable import MoESim

/// vLLM's EPLB load window: the window summed over its steps and folded onto logical experts
/// through `physical_to_logical_map`, and bad files refused naming the element.
@Suite struct VLLMLoadWindowTests {
  func read(_ text: String) throws -> ExpertLoadTable {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("w.json")
    try text.write(to: file, atomically: true, encoding: .utf8)
    #expect(try LoadFormat.detect(path: file.path) == .vllm)
    return try LoadFormat.vllm.read(path: file.path)
  }

  /// Two steps, one layer, 3 physical slots holding experts [0, 1, 0]: expert 0 gets slots 0
  /// and 2 of both steps (1 + 3 + 10 + 30 = 44), expert 1 slot 1 (2 + 20 = 22).
  @Test func windowIsFoldedOntoLogicalExperts() throws {
    let table = try read(
      #"{"expert_load_window": [[[1, 2, 3]], [[10, 20, 30]]], "physical_to_logical_map": [[0, 1, 0]], "logical_replica_count": [[2, 1]]}"#
    )
    #expect(table == ExpertLoadTable(layers: [0], experts: 2, loads: [[44, 22]]))
  }

  @Test(arguments: [
    (
      #"{"expert_load_window": [[[1, 2]]], "physical_to_logical_map": [[0, 1, 0]]}"#,
      "physical_to_logical_map has shape (1, 3); expected (1, 2) (expert_load_window's layers and physical experts)"
    ),
    (
      #"{"expert_load_window": [[1, 2]], "physical_to_logical_map": [[0, 1]]}"#,
      "expert_load_window has shape (1, 2); expected (window, layers, physical experts), each ≥ 1"
    ),
    (
      #"{"expert_load_window": [[[1, 2]]], "physical_to_logical_map": [[0, 7]]}"#,
      "physical_to_logical_map[0][1] = 7.0 is out of range; allowed a logical expert id 0...1"
    ),
    (
      #"{"expert_load_window": [[[1, 2, 3]]], "physical_to_logical_map": [[0, 2, 0]]}"#,
      "physical_to_logical_map[0] holds no physical expert of logical expert 1; every expert 0...2 needs one"
    ),
    (
      #"{"expert_load_window": [[[1, -2]]], "physical_to_logical_map": [[0, 1]]}"#,
      "expert_load_window[0][0][1] = -2.0 is out of range; allowed a finite load ≥ 0"
    ),
    (
      #"{"expert_load_window": [[[1, 2]]], "physical_to_logical": [[0, 1]]}"#,
      "physical_to_logical is not a key of vLLM's EPLB state; allowed expert_load_window, physical_to_logical_map, logical_to_physical_map, logical_replica_count"
    ),
    (
      #"{"expert_load_window": [[[1, 2]]]}"#,
      "physical_to_logical_map is required but missing"
    ),
    (#"{"expert_load_window": [[[1, 2]]], "physical_to_logical_map": [[0, 1"#, "not valid JSON"),
  ])
  func badFilesAreNamed(text: String, problem: String) throws {
    do {
      _ = try read(text)
      Issue.record("accepted: \(text)")
    } catch let error as TraceError {
      #expect(error.message.hasPrefix(problem), "\(error.message)")
      #expect(error.file.hasSuffix("w.json"))
    }
  }

  /// Through `moesim place`: a truncated window is refused with 65 naming the file, and the
  /// export is not written.
  @Test func aBadWindowWritesNoExport() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = folder.appendingPathComponent("window.json")
    try #"{"expert_load_window": [[[1, 2], [3]]], "physical_to_logical_map": [[0, 1], [1, 0]]}"#
      .write(to: bad, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("plan.json")
    let refused = try CommandLineTests().moesim([
      "place", bad.path, "--devices", "1", "--export", "vllm-ascend", "--export-out", out.path,
    ])
    #expect(refused.status == 65)
    #expect(
      refused.standardError.contains("\(bad.path): expert_load_window[0][1] is not a list of 2"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }
}
