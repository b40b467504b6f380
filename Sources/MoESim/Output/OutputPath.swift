import Foundation

/// Where an output path really points, checked before anything is written there.
///
/// Every safety check on an output (never the working folder, never a device, never over a
/// foreign folder) runs on the resolved path: symbolic links are followed as the kernel would
/// follow them, so `--out link/cwd` with `link → ..` is recognised as the working folder.
public enum OutputPath {
  /// `path` made absolute with every symbolic link in its existing part resolved; the part that
  /// does not exist yet is appended as written (with `.` and `..` folded).
  /// - Throws: `OutputError` `.cannotCreate` when a link points to nothing (a dangling link
  ///   would be replaced by the output, or followed to a place nobody named).
  public static func resolved(_ path: String) throws -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL
    var existing = absolute
    var missing: [String] = []
    while existing.path != "/" {
      var status = stat()
      if lstat(existing.path, &status) == 0 {
        if status.st_mode & S_IFMT == S_IFLNK && stat(existing.path, &status) != 0 {
          let target =
            (try? FileManager.default.destinationOfSymbolicLink(
              atPath: existing.path)) ?? "?"
          throw OutputError(
            .cannotCreate, path: path,
            detail: "\(existing.path) is a symbolic link to '\(target)', which does not exist;"
              + " remove the link or name its target")
        }
        break
      }
      missing.insert(existing.lastPathComponent, at: 0)
      existing.deleteLastPathComponent()
    }
    guard let real = realpath(existing.path, nil) else {
      throw OutputError.fromErrno(.cannotCreate, path: path, action: "resolve \(existing.path)")
    }
    defer { free(real) }
    var result = URL(fileURLWithPath: String(cString: real))
    for component in missing { result.appendPathComponent(component) }
    return result.standardizedFileURL.path
  }

  /// What kind of file system entry `path` is (not following a final link), for messages; nil
  /// when nothing is there.
  static func entryKind(_ path: String) -> String? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return "a regular file"
    case S_IFDIR: return "a folder"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "a special file"
    }
  }

  /// Refuses an output file path that holds anything but a regular file: renaming the output
  /// over a folder fails only after the work is done, and over a FIFO or a device node it
  /// replaces the node itself.
  /// - Parameter path: a resolved path (`resolved(_:)`).
  /// - Throws: `OutputError` `.cannotCreate`.
  public static func checkFileTarget(_ path: String) throws {
    guard let kind = entryKind(path), kind != "a regular file" else { return }
    throw OutputError(
      .cannotCreate, path: path,
      detail: "is \(kind), not a regular file; name a new or regular file")
  }
}
