import Foundation

/// A result file could not be created or written.
public struct OutputError: Error, CustomStringConvertible, Sendable {
  public enum Kind: Sendable {
    /// The file or its folder cannot be created (sysexits 73, EX_CANTCREAT).
    case cannotCreate
    /// Writing, flushing or renaming failed (sysexits 74, EX_IOERR).
    case ioError
  }

  public var kind: Kind
  public var path: String
  public var detail: String

  public init(_ kind: Kind, path: String, detail: String) {
    self.kind = kind
    self.path = path
    self.detail = detail
  }

  /// An error for the current `errno`.
  static func fromErrno(_ kind: Kind, path: String, action: String) -> OutputError {
    OutputError(kind, path: path, detail: "\(action): \(String(cString: strerror(errno)))")
  }

  public var description: String {
    switch kind {
    case .cannotCreate: return "\(path): cannot create: \(detail)"
    case .ioError: return "\(path): write failed: \(detail)"
    }
  }
}
