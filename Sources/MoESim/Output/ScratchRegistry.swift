import Foundation

/// The temporary files and staging folders that exist while outputs are being written, so that
/// a process that must stop at once (a signal the run did not answer in time) can remove them
/// before it exits, leaving every destination as it was.
///
/// A path is added when its temporary file or folder is created and removed when it is renamed
/// into place or discarded. Renames into place run inside `committing(_:)`, and
/// `removeAllAndHold()` takes the same lock and never gives it back: a destination is therefore
/// either fully replaced or untouched, never half-moved, whichever comes first.
public final class ScratchRegistry: @unchecked Sendable {
  /// The one registry of this process.
  public static let shared = ScratchRegistry()

  // Recursive: a commit may write or discard files, which add and remove paths.
  private let lock = NSRecursiveLock()
  private var paths: [String: Int] = [:]

  /// Records `path` (a temporary file or staging folder) as scratch.
  public func add(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    paths[path, default: 0] += 1
  }

  /// Forgets `path`: it was renamed into place or removed.
  public func remove(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    guard let count = paths[path] else { return }
    paths[path] = count > 1 ? count - 1 : nil
  }

  /// The scratch paths recorded now, sorted.
  public var current: [String] {
    lock.lock()
    defer { lock.unlock() }
    return paths.keys.sorted()
  }

  /// Runs `body` (the renames that put outputs in place) so that it cannot interleave with
  /// `removeAllAndHold()`.
  public func committing<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// Removes every recorded path and keeps the lock, so no commit can start afterwards; for a
  /// process about to exit.
  public func removeAllAndHold() {
    lock.lock()
    for path in paths.keys.sorted() {
      try? FileManager.default.removeItem(atPath: path)
    }
    paths.removeAll()
  }
}
