import Foundation
import Testing

@testable import MoESim

/// Seeded fuzzing of the decoder and validator: the shipped scenarios mutated byte-wise and
/// key-wise must each end in a valid `Scenario` or a clean `ScenarioError` — never a trap (which
/// would crash this test process), never another error type. A fixed number of mutations per
/// scenario, not a time budget, so the test does the same work on every run.
@Suite struct ScenarioFuzzTests {
  static let mutationsPerScenario = 60

  /// Values that sit on or beyond the edges the validator checks.
  static let edgeValues: [JSONValue] = [
    .null, .bool(true), .integer(0), .integer(-1), .integer(1), .integer(2), .integer(7),
    .integer(Int.max), .integer(Int.min), .integer(1 << 40), .integer(65_537),
    .number(.nan), .number(.infinity), .number(-.infinity), .number(1e308), .number(1e-300),
    .number(0.5), .number(-0.0), .number(2.5), .number(9.3e18), .string(""), .string("x"),
    .string("softmax_topk"), .array([]), .array([.integer(1)]), .object([:]),
    .object(["name": .string("a"), "weight": .number(1e308)]),
  ]

  /// Byte sequences that break or bend JSON5 syntax.
  static let edgeTokens = [
    "{", "}", "[", "]", ",", ":", "\"", "'", "/*", "//", "\n", "1e999", "-", "NaN", "null",
    "99999999999999999999", "0x", "\\", "\u{FEFF}", "\u{00A0}", "é",
  ]

  static let scenarios: [String] = {
    let root = TestSupport.packageRoot.appendingPathComponent("Scenarios")
    let files =
      FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".json5") }.sorted() ?? []
    return files.map { root.appendingPathComponent($0).path }
  }()

  /// Decodes and validates `data`; a valid result must have finite, consistent accounting.
  func decodeNeverTraps(_ data: Data, _ label: String) {
    do {
      let scenario = try Scenario.parse(data, file: "fuzz")
      let count = ParameterCount(model: scenario.model)
      #expect(count.total.isFinite && count.active.isFinite, "\(label)")
      #expect(count.total >= count.active, "\(label)")
      #expect(scenario.model.moe.map { $0.topK <= $0.experts } ?? true, "\(label)")
    } catch let error as ScenarioError {
      #expect(!error.description.isEmpty && !error.description.contains("\n"), "\(label)")
    } catch {
      Issue.record("\(label): not a ScenarioError: \(error)")
    }
  }

  @Test func shippedScenariosAreFound() { #expect(Self.scenarios.count >= 6) }

  @Test(arguments: scenarios)
  func byteMutationsEndInAScenarioOrAnError(path: String) throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var random = Xoshiro256StarStar(seed: 0xB17E_5EED)
    for round in 0..<Self.mutationsPerScenario {
      var bytes = original
      for _ in 0...Int(random.next() % 3) {
        let position = Int(random.next() % UInt64(bytes.count + 1))
        switch random.next() % 5 {
        case 0 where position < bytes.count:
          bytes[position] = UInt8(truncatingIfNeeded: random.next())
        case 1 where position < bytes.count:
          let end = min(bytes.count, position + 1 + Int(random.next() % 16))
          bytes.removeSubrange(position..<end)
        case 2:
          let end = min(bytes.count, position + Int(random.next() % 32))
          bytes.insert(contentsOf: bytes[position..<end], at: position)
        default:
          let token = Self.edgeTokens[Int(random.next() % UInt64(Self.edgeTokens.count))]
          bytes.insert(contentsOf: Array(token.utf8), at: position)
        }
      }
      decodeNeverTraps(Data(bytes), "\(path) byte round \(round)")
    }
  }

  @Test(arguments: scenarios)
  func keyMutationsEndInAScenarioOrAnError(path: String) throws {
    let tree = try JSONValue.parseJSON5(Data(contentsOf: URL(fileURLWithPath: path)))
    var random = Xoshiro256StarStar(seed: 0x5EED_0F_4E75)
    for round in 0..<Self.mutationsPerScenario {
      var mutated = tree
      for _ in 0...Int(random.next() % 2) { mutated = Self.mutate(mutated, &random) }
      decodeNeverTraps(Data(mutated.rendered.utf8), "\(path) key round \(round)")
    }
  }

  /// Replaces, removes or misspells one key somewhere in `value`, or adds an unknown one.
  static func mutate(_ value: JSONValue, _ random: inout Xoshiro256StarStar) -> JSONValue {
    switch value {
    case .object(var fields) where !fields.isEmpty:
      let keys = fields.keys.sorted()
      let key = keys[Int(random.next() % UInt64(keys.count))]
      switch random.next() % 6 {
      case 0: fields[key] = edgeValues[Int(random.next() % UInt64(edgeValues.count))]
      case 1: fields[key] = nil
      case 2:
        fields["\(key)_"] = fields[key]
        fields[key] = nil
      case 3: fields["unknown"] = .integer(1)
      default: fields[key] = mutate(fields[key] ?? .null, &random)
      }
      return .object(fields)
    case .array(var elements) where !elements.isEmpty:
      let index = Int(random.next() % UInt64(elements.count))
      elements[index] = mutate(elements[index], &random)
      return .array(elements)
    default:
      return edgeValues[Int(random.next() % UInt64(edgeValues.count))]
    }
  }
}
