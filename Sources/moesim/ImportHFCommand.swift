import Foundation
import MoESim

/// `moesim import-hf`: a Hugging Face config.json written out as the equivalent, commented
/// MoESim scenario.
enum ImportHFCommand {
  static let spec = OptionSpec(valued: ["--out"])

  static let help = """
    USAGE: moesim import-hf CONFIG.json [--out SCENARIO.json5]

    Reads a Hugging Face config.json and prints the equivalent MoESim scenario (JSON5), each key
    followed by a comment naming the config.json key it came from, so the mapping can be read
    and edited. With --out, writes it to that file instead (atomically).

    Imported model_type values: \(HuggingFaceImport.importedModelTypes.joined(separator: ", ")).
    A config is refused (exit 65, naming the key) when it has a key MoESim does not know, a
    missing or out-of-range value, or a feature MoESim cannot express (sliding-window or chunked
    attention, attention sinks, groups ranked by their best expert); nothing that changes the
    architecture is dropped.

    A config.json can also stand in for a scenario: `moesim params config.json`, `memory`, `run`
    and `validate` read it as this scenario, with the default workload. A scenario can take its
    model from one: model: { hf_config: "config.json", moe: { top_k: 4 } } (the path relative to
    the scenario file; explicit keys override the config's).

    OPTIONS:
      --out FILE            Write the scenario to FILE instead of standard output
    """

  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: spec, command: "import-hf")
    guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
      throw UsageError(message: "import-hf takes one config.json", command: "import-hf")
    }
    let text = try HuggingFaceImport.scenarioText(configAt: path)
    guard let out = parsed.value("--out") else {
      print(text, terminator: "")
      return
    }
    let file = try AtomicFile(path: out)
    try file.write(text)
    try file.commit()
  }
}
