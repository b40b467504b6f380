import Foundation

/// A file written under a temporary name in its destination folder and renamed into place by
/// `commit()`, so readers only ever see a complete file or none.
public final class AtomicFile {
  /// The final path.
  public let path: String
  let temporaryPath: String
  private var handle: UnsafeMutablePointer<FILE>?
  private var buffer: [UInt8] = []

  /// Opens `<folder>/.<name>.tmp-<pid>` for writing; the folder must exist. A symbolic link at
  /// `path` is followed (its target is replaced, the link kept).
  /// - Throws: `OutputError` `.cannotCreate` when `path` holds anything but a regular file (a
  ///   folder, FIFO, device), is a dangling link, or the temporary file cannot be opened.
  public init(path: String) throws {
    self.path = try OutputPath.resolved(path)
    try OutputPath.checkFileTarget(self.path)
    let url = URL(fileURLWithPath: self.path)
    temporaryPath =
      url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    guard let handle = fopen(temporaryPath, "wb") else {
      throw OutputError.fromErrno(.cannotCreate, path: path, action: "open")
    }
    self.handle = handle
    ScratchRegistry.shared.add(temporaryPath)
    buffer.reserveCapacity(1 << 16)
  }

  deinit { discard() }

  /// Appends `text`; bytes reach the disk in 64 KiB chunks.
  public func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws {
    guard let handle, !buffer.isEmpty else { return }
    let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    guard written == buffer.count else {
      throw OutputError.fromErrno(.ioError, path: path, action: "write")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes, closes and renames the file into place.
  public func commit() throws {
    try flush()
    guard let handle else { return }
    self.handle = nil
    let flushed = fflush(handle) == 0 && fsync(fileno(handle)) == 0
    let closed = fclose(handle) == 0
    defer { ScratchRegistry.shared.remove(temporaryPath) }
    guard flushed && closed else {
      let error = OutputError.fromErrno(.ioError, path: path, action: "flush")
      unlink(temporaryPath)
      throw error
    }
    let renamed = ScratchRegistry.shared.committing { rename(temporaryPath, path) == 0 }
    guard renamed else {
      let error = OutputError.fromErrno(.ioError, path: path, action: "rename")
      unlink(temporaryPath)
      throw error
    }
  }

  /// Closes and removes the temporary file; the destination is left as it was.
  public func discard() {
    guard let handle else { return }
    self.handle = nil
    fclose(handle)
    unlink(temporaryPath)
    ScratchRegistry.shared.remove(temporaryPath)
  }

  /// Writes `text` to `path` atomically in one go.
  public static func write(_ text: String, to path: String) throws {
    let file = try AtomicFile(path: path)
    try file.write(text)
    try file.commit()
  }
}
