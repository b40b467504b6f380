import Dispatch
import Foundation
import MoESim

/// Turns SIGINT, SIGTERM and SIGHUP into a request that the run polls between steps, so that it
/// can remove its partial files and exit with status 128 + the signal (130, 143, 129) instead of
/// dying mid-write.
///
/// The signals are ignored at the process level and observed through Dispatch signal sources.
/// A phase that does not poll in time (one very long step, a large trace being read) is stopped
/// anyway: `gracePeriodSeconds` after the first signal, or at once on a second one, the process
/// removes every temporary file and staging folder it holds (`ScratchRegistry`) and exits with
/// the same status. Results folders are untouched either way.
enum Interruption {
  /// How long a run has to notice the request before it is stopped from outside.
  static let gracePeriodSeconds = 1.0

  /// The first signal that arrived, and how many have.
  private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var first: Int32?

    /// Records one signal and returns how many have arrived.
    func raise(_ signalNumber: Int32) -> Int {
      lock.lock()
      defer { lock.unlock() }
      count += 1
      if first == nil { first = signalNumber }
      return count
    }

    var signalNumber: Int32? {
      lock.lock()
      defer { lock.unlock() }
      return first
    }
  }

  private static let flag = Flag()
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  /// Starts observing SIGINT, SIGTERM and SIGHUP; call once, before the work starts.
  static func install() {
    guard sources.isEmpty else { return }
    for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        if flag.raise(signalNumber) > 1 {
          stopNow()
        } else {
          DispatchQueue.global().asyncAfter(deadline: .now() + gracePeriodSeconds) { stopNow() }
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Removes the scratch files and exits with the status of the first signal.
  private static func stopNow() -> Never {
    ScratchRegistry.shared.removeAllAndHold()
    writeStandardError(
      "error: interrupted; the work under way did not stop within"
        + " \(Int(gracePeriodSeconds)) s, so it was cut short; partial files removed, earlier"
        + " results unchanged\n")
    _exit(exitStatus)
  }

  /// Whether a stop was requested.
  static var isRequested: Bool { flag.signalNumber != nil }

  /// 128 + the first signal's number (130 for SIGINT), or 130 when none arrived.
  static var exitStatus: Int32 { 128 + (flag.signalNumber ?? SIGINT) }
}
