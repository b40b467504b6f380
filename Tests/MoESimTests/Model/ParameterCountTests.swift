import Testing

@testable import MoESim

@Suite struct ParameterCountTests {
  struct Published: Sendable, CustomStringConvertible {
    var file: String
    var total: Double
    var active: Double
    /// Half a unit of the last digit the publisher gave (e.g. 0.05e9 for "12.9B").
    var lastDigit: Double
    var description: String { file }
  }

  // Mixtral: Jiang et al. 2024, sec. 2 (46.7B / 12.9B); Llama-3-8B: Meta model card (8.03B);
  // OLMoE: Muennighoff et al. 2024, table 1 (6.9B / 1.3B).
  static let models: [Published] = [
    Published(file: "mixtral-8x7b.json5", total: 46.7e9, active: 12.9e9, lastDigit: 0.1e9),
    Published(file: "llama3-8b-dense.json5", total: 8.03e9, active: 8.03e9, lastDigit: 0.01e9),
    Published(file: "olmoe-1b-7b.json5", total: 6.9e9, active: 1.3e9, lastDigit: 0.1e9),
  ]

  /// Within 1 %, or within one unit of the last published digit, whichever is wider.
  static func matches(_ value: Double, _ published: Double, lastDigit: Double) -> Bool {
    abs(value - published) <= max(0.01 * published, lastDigit)
  }

  @Test(arguments: models)
  func reproducesPublishedSizes(model: Published) throws {
    let count = ParameterCount(model: try TestSupport.scenario(model.file).model)
    #expect(Self.matches(count.total, model.total, lastDigit: model.lastDigit), "total \(count.total)")
    #expect(Self.matches(count.active, model.active, lastDigit: model.lastDigit), "active \(count.active)")
  }

  @Test func mixtralByComponent() throws {
    let count = ParameterCount(model: try TestSupport.scenario("mixtral-8x7b.json5").model)
    let byName = Dictionary(uniqueKeysWithValues: count.components.map { ($0.name, $0) })
    // 32 layers × 8 experts × 3 × 4096 × 14336.
    #expect(byName["routed_experts"]?.total == Double(32 * 8 * 3 * 4096 * 14336))
    #expect(byName["routed_experts"]?.active == Double(32 * 2 * 3 * 4096 * 14336))
    // q and o: 4096×4096 each; k and v: 4096×1024 each; 32 layers.
    #expect(byName["attention"]?.total == Double(32 * (2 * 4096 * 4096 + 2 * 4096 * 1024)))
    #expect(byName["router"]?.total == Double(32 * 4096 * 8))
  }

  @Test func tiedHeadIsCountedOnceAndActive() throws {
    let untied = ParameterCount(
      model: try TestSupport.quickstart(["model.active_counts_embedding=false"]).model)
    let tied = ParameterCount(
      model: try TestSupport.quickstart([
        "model.tied_embeddings=true", "model.active_counts_embedding=false",
      ]).model)
    let embedding = 32000.0 * 1024
    #expect(untied.total - tied.total == embedding)
    // Untied, without the input embedding: head active, embedding not. Tied: the one matrix is
    // active as the head.
    #expect(untied.active == tied.active)
  }

  @Test func activeNeverExceedsTotal() throws {
    for file in ["quickstart.json5", "mixtral-8x7b.json5", "olmoe-1b-7b.json5"] {
      let count = ParameterCount(model: try TestSupport.scenario(file).model)
      for component in count.components { #expect(component.active <= component.total) }
    }
  }
}
