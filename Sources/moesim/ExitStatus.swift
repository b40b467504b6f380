import Foundation
import MoESim

/// Exit statuses from sysexits(3), so shell scripts can tell bad input from a full disk.
enum ExitStatus: Int32 {
  case success = 0
  /// EX_USAGE: bad command line (unknown command or option, malformed `--set`).
  case usage = 64
  /// EX_DATAERR: the scenario (or other input data) is invalid.
  case dataError = 65
  /// EX_NOINPUT: an input file does not exist or cannot be read.
  case noInput = 66
  /// EX_UNAVAILABLE: a program MoESim runs (the benchmark's peer) failed.
  case unavailable = 69
  /// EX_SOFTWARE: an internal error.
  case software = 70
  /// EX_CANTCREAT: an output file or folder cannot be created.
  case cannotCreate = 73
  /// EX_IOERR: writing output failed.
  case ioError = 74
  /// 128 + SIGHUP: the terminal went away; the run removed its partial files.
  case hangUp = 129
  /// 128 + SIGINT: the run was interrupted and removed its partial files.
  case interrupted = 130
  /// 128 + SIGTERM: the run was asked to stop and removed its partial files.
  case terminated = 143

  /// The status for an error, chosen in this one place for every command.
  static func of(_ error: Error) -> ExitStatus {
    switch error {
    case let error as ScenarioError:
      if error.isUsageError { return .usage }
      return error.isMissingInput ? .noInput : .dataError
    case let error as TraceError:
      return error.isMissingInput ? .noInput : .dataError
    case let error as OutputError:
      return error.kind == .cannotCreate ? .cannotCreate : .ioError
    case is UsageError:
      return .usage
    case let error as LoadsFileError:
      return error.failure.isMissingInput ? .noInput : .dataError
    case let error as MergeError:
      return error.isMissingInput ? .noInput : .dataError
    case let error as PlotError:
      return error.missing ? .noInput : .dataError
    case let error as PeerError:
      return error.scriptMissing ? .noInput : .unavailable
    case is RunInterrupted:
      return ExitStatus(rawValue: Interruption.exitStatus) ?? .interrupted
    default:
      return .software
    }
  }
}

/// A command-line mistake; the message says what was wrong and how to get help.
struct UsageError: Error, CustomStringConvertible {
  var message: String
  var command: String?

  var description: String {
    let help = command.map { "moesim help \($0)" } ?? "moesim --help"
    return "\(message) (see '\(help)')"
  }
}

/// Writes `text` as one line to standard error, control characters escaped
/// (`ErrorText.oneLine`).
func printError(_ text: String) {
  writeStandardError(ErrorText.oneLine(text) + "\n")
}

/// Writes `text` to standard error as it is. A failed write (`2>/dev/full`, a closed stream) is
/// ignored: there is nowhere left to report it, and the exit status still tells.
func writeStandardError(_ text: String) {
  let bytes = Array(text.utf8)
  var offset = 0
  while offset < bytes.count {
    let written = bytes.withUnsafeBytes { buffer in
      write(2, buffer.baseAddress! + offset, buffer.count - offset)
    }
    if written < 0 && errno == EINTR { continue }
    guard written > 0 else { return }
    offset += written
  }
}
