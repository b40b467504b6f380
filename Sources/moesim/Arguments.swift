/// The options of one command: which take a value, which are flags, which may repeat.
struct OptionSpec {
  var valued: Set<String> = []
  var flags: Set<String> = []
  var repeatable: Set<String> = []
}

/// A command line split into positional arguments, valued options and flags.
struct Arguments {
  /// The command these arguments belong to, e.g. `run`.
  let command: String
  var positionals: [String] = []
  var values: [String: [String]] = [:]
  var flags: Set<String> = []

  /// Parses `arguments` against `spec`; `--name value` and `--name=value` are both accepted, and
  /// `--` ends the options.
  init(_ arguments: [String], spec: OptionSpec, command: String) throws {
    self.command = command
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard !optionsEnded, argument.hasPrefix("-"), argument != "-" else {
        positionals.append(argument)
        continue
      }
      if argument == "--" {
        optionsEnded = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if spec.flags.contains(name) && inlineValue == nil {
        flags.insert(name)
      } else if spec.valued.contains(name) {
        guard let value = inlineValue ?? (index < arguments.count ? arguments[index] : nil) else {
          throw UsageError(message: "option \(name) needs a value", command: command)
        }
        // `--out --quiet` is a forgotten value, not a folder named `--quiet`.
        if inlineValue == nil, value.hasPrefix("--") || value == "-h" {
          throw UsageError(
            message: "option \(name) needs a value, got the option '\(value)'", command: command)
        }
        if name == "--out", value == "-" {
          throw UsageError(
            message: "--out - : results go to files, not to standard output; name a path",
            command: command)
        }
        if inlineValue == nil { index += 1 }
        if values[name] != nil && !spec.repeatable.contains(name) {
          throw UsageError(message: "option \(name) given twice", command: command)
        }
        values[name, default: []].append(value)
      } else {
        let known = (spec.valued.union(spec.flags)).sorted().joined(separator: ", ")
        throw UsageError(
          message: "unknown option '\(argument)' for '\(command)' (options: \(known))",
          command: command)
      }
    }
  }

  func value(_ name: String) -> String? { values[name]?.last }
  func all(_ name: String) -> [String] { values[name] ?? [] }

  /// `--threads N` (or `--jobs N`), or nil when absent.
  /// - Throws: `UsageError` unless N is in 1...`ThreadLimit.maximum`.
  func threads(_ name: String = "--threads", command: String) throws -> Int? {
    guard let number = try positiveInt(name, command: command) else { return nil }
    guard number <= ThreadLimit.maximum else {
      throw UsageError(
        message: "\(name) = \(number) is out of range; allowed 1...\(ThreadLimit.maximum)",
        command: command)
    }
    return number
  }

  /// A positive integer option, or nil when absent.
  func positiveInt(_ name: String, command: String) throws -> Int? {
    guard let text = value(name) else { return nil }
    guard let number = Int(text), number > 0 else {
      throw UsageError(message: "\(name) = '\(text)' must be a positive integer", command: command)
    }
    return number
  }
}

/// The most worker threads a command starts. Each thread holds its own stack and routing
/// buffers, so the count bounds memory (300 000 threads took 5.2 GB); 1024 is above the
/// hardware threads of the largest two-socket servers (2 × 192 cores × 2 threads = 768).
enum ThreadLimit {
  static let maximum = 1024
}
