import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a request that the run polls between steps, so that it can
/// remove its partial files and exit with status 130 instead of dying mid-write.
///
/// The signals are ignored at the process level and observed through Dispatch signal sources;
/// a second signal, for a user who does not want to wait for the current step, exits at once
/// (the staging folder it leaves is hidden and removed by the next run; the results folder is
/// untouched either way).
enum Interruption {
  /// Set once a signal has arrived.
  private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Records one signal and returns how many have arrived.
    func raise() -> Int {
      lock.lock()
      defer { lock.unlock() }
      count += 1
      return count
    }

    var isRaised: Bool {
      lock.lock()
      defer { lock.unlock() }
      return count > 0
    }
  }

  private static let flag = Flag()
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  /// Starts observing SIGINT and SIGTERM; call once, before the run.
  static func install() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        if flag.raise() > 1 { _exit(ExitStatus.interrupted.rawValue) }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Whether a stop was requested.
  static var isRequested: Bool { flag.isRaised }
}
