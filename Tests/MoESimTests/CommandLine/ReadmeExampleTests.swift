import Foundation
import Testing

/// The README's worked examples run as written.
///
/// Convention: a fenced block whose info string is `sh example` is a runnable example; `sh
/// example slow` is one that takes minutes in a debug build and runs only when the environment
/// sets `MOESIM_README_SLOW=1`. Each block runs as one `/bin/sh -e` script in a fresh folder
/// holding a link to the package's `Scenarios/`, with the built `moesim` first on `PATH`;
/// `swift run [-c release] moesim ARGS` becomes `moesim ARGS`, and `swift test` and
/// `swift build` lines are left out (the suite is what is running). The script must exit 0, and
/// every `Results/...` path named in a comment (after ` # `) must exist afterwards.
@Suite struct ReadmeExampleTests {
  struct Example: CustomTestStringConvertible {
    var line: Int
    var script: String
    var slow: Bool
    var testDescription: String { "README.md line \(line)" }

    /// The `Results/...` paths named in the script's comments.
    var namedOutputs: [String] {
      script.split(separator: "\n").flatMap { line -> [String] in
        guard
          let hash = line.range(of: " # ") ?? (line.hasPrefix("# ") ? line.range(of: "# ") : nil)
        else { return [] }
        return line[hash.upperBound...].split(whereSeparator: { " ,;()".contains($0) })
          .filter { $0.hasPrefix("Results/") && !$0.contains("$") }
          .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".:")) }
      }
    }
  }

  static let readme = TestSupport.packageRoot.appendingPathComponent("README.md")

  /// Every `sh example` block of README.md, with the `swift` wrappers rewritten.
  static func examples() throws -> [Example] {
    let lines = try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n")
    var examples: [Example] = []
    var current: Example?
    for (index, line) in lines.enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if current == nil, trimmed.hasPrefix("```sh example") {
        current = Example(line: index + 1, script: "", slow: trimmed.hasSuffix(" slow"))
      } else if var example = current {
        if trimmed == "```" {
          examples.append(example)
          current = nil
        } else if let command = rewritten(line) {
          example.script += command + "\n"
          current = example
        }
      }
    }
    return examples
  }

  /// `line` as the test runs it: nil for `swift test` / `swift build`, `moesim` for `swift run`.
  static func rewritten(_ line: String) -> String? {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("swift test") || trimmed.hasPrefix("swift build") { return nil }
    guard
      let run = line.range(
        of: #"swift run( -c (release|debug))? moesim"#, options: .regularExpression)
    else { return line }
    return line.replacingCharacters(in: run, with: "moesim")
  }

  @Test func theReadmeShowsTheThreeJobsAsRunnableExamples() throws {
    let scripts = try Self.examples().map(\.script)
    // The two commands, sweeping expert counts, comparing MoE to dense, setting up a cluster.
    #expect(scripts.contains { $0.contains("moesim run Scenarios/quickstart.json5") })
    #expect(scripts.contains { $0.contains("moesim sweep") && $0.contains("model.moe.experts") })
    #expect(scripts.contains { $0.contains("moesim compare") })
    #expect(scripts.contains { $0.contains("--layout") })
    #expect(Self.rewritten("swift run -c release moesim run X   # y") == "moesim run X   # y")
    #expect(Self.rewritten("swift test") == nil)
  }

  @Test(arguments: try ReadmeExampleTests.examples())
  func runsAsWritten(_ example: Example) throws {
    if example.slow && ProcessInfo.processInfo.environment["MOESIM_README_SLOW"] != "1" { return }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("Scenarios"),
      withDestinationURL: TestSupport.packageRoot.appendingPathComponent("Scenarios"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-e", "-c", example.script]
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    let binaries = CommandLineTests.binary.deletingLastPathComponent().path
    environment["PATH"] = binaries + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    process.environment = environment
    let error = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = error
    try process.run()
    let errorText = String(
      decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(example.script)\n\(errorText)")
    #expect(!example.namedOutputs.isEmpty, "name the files the example writes in a comment")
    for path in example.namedOutputs {
      #expect(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path),
        "\(path) after\n\(example.script)")
    }
  }
}
