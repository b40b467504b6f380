import Foundation

/// Streams an RFC 4180 CSV table into an `AtomicFile`: a header row, then one row per call.
public final class CSVWriter {
  private let file: AtomicFile
  public let columns: [String]

  public init(path: String, columns: [String]) throws {
    file = try AtomicFile(path: path)
    self.columns = columns
    try file.write(columns.joined(separator: ",") + "\n")
  }

  /// Writes one row; `fields` must match `columns` in count.
  public func write(_ fields: [CSVField]) throws {
    precondition(fields.count == columns.count, "CSV row does not match its header")
    try file.write(fields.map(\.text).joined(separator: ",") + "\n")
  }

  public func commit() throws { try file.commit() }
  public func discard() { file.discard() }
}

/// One CSV cell, rendered so every reader parses it back exactly: integers in plain digits,
/// floating-point numbers in Swift's shortest round-trip form with `.` as decimal point, text
/// quoted when it holds a comma, quote or line break.
public enum CSVField: Sendable, Equatable {
  case integer(Int)
  case real(Double)
  case text(String)
  /// An empty cell (e.g. capacity when dropless).
  case empty

  public var text: String {
    switch self {
    case .integer(let value): return String(value)
    case .real(let value):
      if value.isNaN { return "nan" }
      if value.isInfinite { return value > 0 ? "inf" : "-inf" }
      return value == value.rounded() && abs(value) < 1e15
        ? String(Int64(value)) : "\(value)"
    case .text(let value):
      guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
      else { return value }
      return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    case .empty: return ""
    }
  }
}

extension CSVField: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
  public init(integerLiteral value: Int) { self = .integer(value) }
  public init(stringLiteral value: String) { self = .text(value) }
}
