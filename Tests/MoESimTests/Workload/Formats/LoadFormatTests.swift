import Foundation
import Testing

@testable import MoESim

/// The load readers of `moesim place`: each shipped example against `example-loads.csv`, small
/// hand-made files with sums worked out by hand, and bad files refused with the record named.
@Suite struct LoadFormatTests {
  static func path(_ name: String) -> String { TestSupport.scenarioPath("traces/\(name)") }

  static func reference() throws -> ExpertLoadTable {
    try LoadFormat.csv.read(path: path("example-loads.csv"))
  }

  /// Every example holds the loads of `example-loads.csv` (four layers of the quickstart run's
  /// `tokens_routed`, split over steps, iterations or ranks where the format has them), so
  /// every format gives the same table, and so the same plan and metrics.
  @Test(arguments: [
    ("example-eplb-weight.npy", LoadFormat.npy),
    ("example-eplb-weight.csv", .eplb),
    ("example-sglang-expert-distribution.json", .sglang),
    ("example-trtllm-statistic", .trtllm),
    ("example-megatron-tokens-per-expert.jsonl", .megatron),
    ("example-vllm-eplb-load-window.json", .vllm),
  ])
  func examplesHoldTheSameLoads(name: String, format: LoadFormat) throws {
    #expect(try LoadFormat.detect(path: Self.path(name)) == format)
    #expect(try format.read(path: Self.path(name)) == Self.reference())
  }

  func write(_ text: String, _ name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// `[steps, layers, experts]` is summed over steps: 1 + 10, 2 + 20, 3 + 30, 4 + 40.
  @Test func sglangStepsAreSummed() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let three = try write(
      #"{"rank": 0, "logical_count": [[[1, 2], [3, 4]], [[10, 20], [30, 40]]]}"#, "a.json",
      in: folder)
    #expect(try LoadFormat.detect(path: three) == .sglang)
    let table = try SGLangExpertDistribution.read(path: three)
    #expect(table == ExpertLoadTable(layers: [0, 1], experts: 2, loads: [[11, 22], [33, 44]]))
    let two = try write(#"{"logical_count": [[5, 0, 1]]}"#, "b.json", in: folder)
    #expect(try SGLangExpertDistribution.read(path: two).loads == [[5, 0, 1]])
  }

  @Test(arguments: [
    (#"{"logical_count": [[1, 2], [3]]}"#, "logical_count[1] is not a list of 2 items"),
    (#"{"logical_count": [[1, -2]]}"#, "logical_count[0][1] = -2.0 is out of range"),
    (#"{"logical_count": [[1, "x"]]}"#, #"logical_count[0][1] = "x" is a string"#),
    (#"{"logical_count": [1, 2]}"#, "has shape (2,); expected [layers, experts]"),
    (#"{"logical_count": [[1]], "extra": 1}"#, "extra is not a key of SGLang's record"),
    (#"{"physical_to_logical_map": [[0]]}"#, "holds a placement (physical_to_logical_map)"),
    (#"{"logical_count": [[1]"#, "not valid JSON"),
  ])
  func sglangErrorsNameTheRecord(text: String, problem: String) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try write(text, "bad.json", in: folder)
    do {
      _ = try SGLangExpertDistribution.read(path: file)
      Issue.record("accepted \(text)")
    } catch {
      #expect("\(error)".hasPrefix("\(file): "))
      #expect("\(error)".contains(problem), "\(error)")
    }
  }

  @Test func eplbFormsAndTheirErrors() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = try write(#"{"weight": [[1.5, 2], [0, 4]]}"#, "w.json", in: folder)
    #expect(try LoadFormat.detect(path: json) == .eplb)
    #expect(try LoadFormat.eplb.read(path: json).loads == [[1.5, 2], [0, 4]])
    let bare = try write("[[7, 8]]", "bare.json", in: folder)
    #expect(try LoadFormat.eplb.read(path: bare).loads == [[7, 8]])
    let ragged = try write("1,2,3\n4,5\n", "w.csv", in: folder)
    #expect(
      throws: TraceError(
        file: ragged, line: 2, message: "2 loads; the first row has 3 (one per expert)")
    ) {
      try LoadFormat.eplb.read(path: ragged)
    }
    let header = try write("e0,e1\n1,2\n", "h.csv", in: folder)
    #expect(
      throws: TraceError(
        file: header, line: 1, message: "expert 0: 'e0' is not a number (the matrix has no header)")
    ) { try LoadFormat.eplb.read(path: header) }
    let keyed = try write(#"{"weights": [[1]]}"#, "k.json", in: folder)
    #expect(throws: TraceError.self) { try LoadFormat.eplb.read(path: keyed) }
  }

  /// The CSV matrix is checked value by value as it is read: line ends, gaps, out-of-range
  /// loads and over-wide rows, each refused with its line and the allowed range.
  @Test func eplbMatrixCSVIsCheckedAsItIsRead() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let crlf = try write("1, 2\r\n-0,4\r\n\r\n\n", "crlf.csv", in: folder)
    let table = try LoadFormat.eplb.read(path: crlf)
    #expect(table == ExpertLoadTable(layers: [0, 1], experts: 2, loads: [[1, 2], [0, 4]]))
    #expect(table.loads[1][0].sign == .plus)
    let cases: [(text: String, line: Int, message: String)] = [
      ("1,2\ninf,3\n", 2, "expert 0: inf is out of range; allowed a finite load ≥ 0"),
      ("1,2\n3,-1\n", 2, "expert 1: -1 is out of range; allowed a finite load ≥ 0"),
      ("1,2\n\n3,4\n", 2, "an empty row; every layer's row holds one load per expert"),
      ("1,2\n3,4,5\n", 2, "3 loads; the first row has 2 (one per expert)"),
      ("1,\n", 1, "expert 1: '' is not a number (the matrix has no header)"),
      (
        Array(repeating: "1", count: ScenarioLimits.experts + 1).joined(separator: ","), 1,
        "\(ScenarioLimits.experts + 1) loads; at most \(ScenarioLimits.experts) experts are allowed"
      ),
    ]
    for (index, bad) in cases.enumerated() {
      let file = try write(bad.text, "bad\(index).csv", in: folder)
      #expect(throws: TraceError(file: file, line: bad.line, message: bad.message)) {
        try LoadFormat.eplb.read(path: file)
      }
    }
  }

  /// A moe-balance trace counted by hand: layer 3 = batch 0's [0, 2], [2, −1] plus batch 1's
  /// [2, 1] = [1, 1, 3]; layer 5 = [1, 0], [0, 1] = [2, 2, 0]. Gates are not loads.
  @Test func moeBalanceTracesCountTokensPerExpert() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let trace = try write(
      """
      {"layer": 3, "batch_id": 0, "topk_experts": [[0, 2], [2, -1]]}
      {"layer": 3, "batch_id": 1, "topk_experts": [[2, 1]], "topk_weights": [[0.9, 0.1]]}

      {"layer": 5, "batch_id": 0, "topk_experts": [[1, 0], [0, 1]]}
      """, "t.jsonl", in: folder)
    #expect(try LoadFormat.detect(path: trace) == .moeBalance)
    #expect(
      try LoadFormat.moeBalance.read(path: trace)
        == ExpertLoadTable(layers: [3, 5], experts: 3, loads: [[1, 1, 3], [2, 2, 0]]))
    #expect(
      try LoadFormat.moeBalance.read(path: trace, experts: 4).loads == [[1, 1, 3, 0], [2, 2, 0, 0]])
    #expect(
      throws: TraceError(
        file: trace, line: 1,
        message: "topk_experts[0][1] = 2.0 is out of range; allowed an expert id 0...1 or -1 "
          + "(an empty slot) (--experts 2)")
    ) { try LoadFormat.moeBalance.read(path: trace, experts: 2) }
    let ragged = try write(#"{"layer": 0, "batch_id": 0, "topk_experts": [1, 2]}"#, "r.jsonl", in: folder)
    #expect(
      throws: TraceError(
        file: ragged, line: 1, message: "topk_experts has shape (2,); expected (tokens, k) with k ≥ 1")
    ) { try LoadFormat.moeBalance.read(path: ragged) }
    let megatron = try write(
      #"{"layer": 0, "tokens_per_expert": [1, 2], "note": "topk_experts"}"#, "m.jsonl", in: folder)
    #expect(try LoadFormat.detect(path: megatron) == .megatron)
  }

  /// The shipped moe-balance example, counted per expert, holds the expert counts of the
  /// decisions CSV it was exported from, tallied here from that CSV's rows.
  @Test func moeBalanceExampleCountsTheDecisionsItRecords() throws {
    let trace = Self.path("example-moe-balance.jsonl")
    #expect(try LoadFormat.detect(path: trace) == .moeBalance)
    let table = try LoadFormat.moeBalance.read(path: trace, experts: 16)
    let rows = try String(contentsOfFile: Self.path("example-decisions.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    let layers = Set(rows.map { Int($0[1])! }).sorted()
    var counts = [[Double]](repeating: [Double](repeating: 0, count: 16), count: layers.count)
    for row in rows { counts[layers.firstIndex(of: Int(row[1])!)!][Int(row[3])!] += 1 }
    #expect(table == ExpertLoadTable(layers: layers, experts: 16, loads: counts))
    #expect(table.loads.allSatisfy { $0.reduce(0, +) > 0 })
  }

  /// Two ranks × two iterations of a 3-expert, 2-layer model (layer ids 3 and 5), summed by
  /// hand: layer 3 = [1+10+100+1000, 0, 2+20] = [1111, 0, 22]; layer 5 = [5·4, 1·4, 0].
  @Test func tensorRTLLMRanksAndIterationsAreSummed() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try write(#"{"num_experts": 3, "num_experts_per_token": 1}"#, "meta_info.json", in: folder)
    func rank(_ tensors: [(String, [Int64])]) -> Data {
      var header: [String] = []
      var payload: [UInt8] = []
      for (name, values) in tensors {
        let bytes = NumpyArrayTests.littleEndian(values)
        header.append(
          #""\#(name)":{"dtype":"I64","shape":[\#(values.count)],"data_offsets":[\#(payload.count),\#(payload.count + bytes.count)]}"#
        )
        payload += bytes
      }
      return SafetensorsTests.file("{" + header.joined(separator: ",") + "}", payload)
    }
    try rank([("0_3", [1, 0, 2]), ("1_3", [10, 0, 20]), ("0_5", [5, 1, 0]), ("1_5", [5, 1, 0])])
      .write(to: folder.appendingPathComponent("rank0.safetensors"))
    try rank([
      ("0_3", [100, 0, 0]), ("1_3", [1000, 0, 0]), ("0_5", [5, 1, 0]), ("1_5", [5, 1, 0]),
    ])
    .write(to: folder.appendingPathComponent("rank1.safetensors"))
    try rank([("0_3", [9, 9, 9])]).write(to: folder.appendingPathComponent("rank0_raw.safetensors"))
    let table = try TensorRTLLMExpertStatistic.read(path: folder.path)
    #expect(
      table == ExpertLoadTable(layers: [3, 5], experts: 3, loads: [[1111, 0, 22], [20, 4, 0]]))
    #expect(
      try TensorRTLLMExpertStatistic.read(
        path: folder.appendingPathComponent("meta_info.json").path) == table)

    try rank([("0_3", [1, 0, 2]), ("2_3", [1, 0, 2])])
      .write(to: folder.appendingPathComponent("rank1.safetensors"))
    #expect(throws: TraceError.self) { try TensorRTLLMExpertStatistic.read(path: folder.path) }
    do {
      _ = try TensorRTLLMExpertStatistic.read(path: folder.path)
    } catch {
      #expect("\(error)".contains("no tensor '2_5' in any rank file"), "\(error)")
    }
    try rank([("0_3", [1, 0])]).write(to: folder.appendingPathComponent("rank1.safetensors"))
    do {
      _ = try TensorRTLLMExpertStatistic.read(path: folder.path)
      Issue.record("accepted a tensor of the wrong shape")
    } catch {
      #expect(
        "\(error)".contains("rank1.safetensors: tensor '0_3' has shape (2,); expected (3,)"),
        "\(error)")
    }
    try rank([("x3", [1, 0, 0])]).write(to: folder.appendingPathComponent("rank1.safetensors"))
    do {
      _ = try TensorRTLLMExpertStatistic.read(path: folder.path)
      Issue.record("accepted a tensor named x3")
    } catch {
      #expect("\(error)".contains("tensor 'x3' is not named {iteration}_{layer}"), "\(error)")
    }
  }

  /// `ep_rank` 1 of 2 ranks with 2 local experts holds experts 2 and 3; two iterations add.
  @Test func megatronRanksHoldContiguousExperts() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try write(
      """
      {"iteration": 0, "layer": 1, "ep_rank": 0, "tokens_per_expert": [1, 2]}
      {"iteration": 0, "layer": 1, "ep_rank": 1, "tokens_per_expert": [3, 4]}
      {"iteration": 1, "layer": 1, "ep_rank": 1, "tokens_per_expert": [30, 40]}

      """, "m.jsonl", in: folder)
    #expect(
      try MegatronTokensPerExpert.read(path: file)
        == ExpertLoadTable(layers: [1], experts: 4, loads: [[1, 2, 33, 44]]))
    let bad = try write(
      """
      {"layer": 0, "tokens_per_expert": [1, 2]}
      {"layer": 0, "tokens_per_expert": [1, 2, 3]}
      """, "bad.jsonl", in: folder)
    #expect(throws: TraceError(file: bad, line: 2, message: "3 experts; the first line lists 2")) {
      try MegatronTokensPerExpert.read(path: bad)
    }
    let unknown = try write(#"{"layer": 0, "tokens": [1]}"#, "u.jsonl", in: folder)
    #expect(
      throws: TraceError(
        file: unknown, line: 1,
        message: "tokens is not a known key; allowed iteration, layer, ep_rank, tokens_per_expert")
    ) { try MegatronTokensPerExpert.read(path: unknown) }
  }

  @Test func missingAndUnknownPaths() throws {
    #expect(throws: TraceError.self) { try LoadFormat.detect(path: "/nonexistent/x.npy") }
    do {
      _ = try LoadFormat.detect(path: "/nonexistent/x.npy")
    } catch let error as TraceError {
      #expect(error.isMissingInput)
    }
    #expect(try LoadFormat.detect(path: Self.path("../quickstart.json5")) == nil)
  }
}
