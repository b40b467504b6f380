import Foundation

extension HuggingFaceImport {
  /// The commented JSON5 scenario equivalent to the `config.json` at `path`: every key the config
  /// implies, each followed by a comment naming the config key it came from, and every other key
  /// left to its default. `moesim import-hf` prints or writes it.
  public static func scenarioText(configAt path: String) throws -> String {
    let config = try Scenario.parseTree(try Scenario.readFile(path), file: path)
    let read = try read(config: config, file: path)
    if let refusal = read.routerRefusal { throw refusal }
    let name = scenarioName(forConfigAt: path, entries: read.entries, config: config)
    var lines = [
      "// Imported by `moesim import-hf` from \(path) (model_type \"\(read.modelType)\").",
      "// Each key's comment names the config.json key it came from; keys not listed keep",
      "// MoESim's defaults (see the README's scenario reference). The workload, cluster and",
      "// memory blocks are MoESim's, not the config's: add them to suit the study.",
      "{",
      "  name: \(quoted(name)),",
      "  description: \(quoted("Imported from \(path).")),",
    ]
    lines += render(
      read.entries.map { ($0.path.split(separator: ".").map(String.init), $0) }, indent: 1)
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `text` as a JSON string literal, escaped (a path may hold quotes or backslashes).
  private static func quoted(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  /// The lines of the objects and keys of `entries` (paths relative to this level), grouped by
  /// their first component in order of first appearance.
  private static func render(
    _ entries: [(path: [String], entry: HuggingFaceConfig.Entry)], indent: Int
  ) -> [String] {
    let pad = String(repeating: "  ", count: indent)
    var order: [String] = []
    var groups: [String: [(path: [String], entry: HuggingFaceConfig.Entry)]] = [:]
    for item in entries {
      let head = item.path[0]
      if groups[head] == nil { order.append(head) }
      groups[head, default: []].append((Array(item.path.dropFirst()), item.entry))
    }
    var lines: [String] = []
    for key in order {
      let members = groups[key] ?? []
      if members.count == 1, let leaf = members.first, leaf.path.isEmpty {
        lines.append("\(pad)\(key): \(leaf.entry.value.rendered),  // \(leaf.entry.source)")
        continue
      }
      if indent == 1 { lines.append("") }
      lines.append("\(pad)\(key): {")
      lines += render(members.filter { !$0.path.isEmpty }, indent: indent + 1)
      lines.append("\(pad)},")
    }
    return lines
  }
}
