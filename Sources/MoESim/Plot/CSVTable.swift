import Foundation

/// A CSV file read back (RFC 4180: quoted fields may hold commas, quotes and line breaks), for
/// plotting; the header row names the columns.
public struct CSVTable: Sendable, Equatable {
  public var columns: [String]
  public var rows: [[String]]

  /// Reads and parses `path`.
  /// - Throws: `PlotError` when the file cannot be read or has no header.
  public init(path: String) throws {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw PlotError(path: path, detail: "cannot be read")
    }
    let records = Self.parse(text)
    guard let header = records.first, !header.isEmpty else {
      throw PlotError(path: path, detail: "has no header row")
    }
    columns = header
    rows = Array(records.dropFirst())
    self.path = path
  }

  /// Where it was read from, named in errors.
  public var path = ""

  /// The index of column `name`.
  public func index(_ name: String) throws -> Int {
    guard let index = columns.firstIndex(of: name) else {
      throw PlotError(path: path, detail: "has no column '\(name)'")
    }
    return index
  }

  /// Column `name` as numbers.
  /// - Throws: `PlotError` naming the row when a cell is not a number.
  public func numbers(_ name: String) throws -> [Double] {
    let column = try index(name)
    return try rows.enumerated().map { number, row in
      guard column < row.count, let value = Double(row[column]) else {
        throw PlotError(path: path, detail: "row \(number + 2): \(name) is not a number")
      }
      return value
    }
  }

  /// Splits `text` into records of fields.
  static func parse(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var iterator = text.makeIterator()
    var pending: Character? = nil
    while let character = pending ?? iterator.next() {
      pending = nil
      if quoted {
        if character == "\"" {
          let next = iterator.next()
          if next == "\"" {
            field.append("\"")
          } else {
            quoted = false
            pending = next
          }
        } else {
          field.append(character)
        }
      } else if character == "\"" {
        quoted = true
      } else if character == "," {
        record.append(field)
        field = ""
      } else if character == "\n" || character == "\r\n" {
        record.append(field)
        records.append(record)
        record = []
        field = ""
      } else {
        field.append(character)
      }
    }
    if !field.isEmpty || !record.isEmpty {
      record.append(field)
      records.append(record)
    }
    return records
  }
}

/// A results file that cannot be plotted; names the file and the reason (exit 65).
public struct PlotError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var detail: String
  /// The folder or file does not exist (exit 66 rather than 65).
  public var missing: Bool

  public init(path: String, detail: String, missing: Bool = false) {
    self.path = path
    self.detail = detail
    self.missing = missing
  }

  public var description: String { "\(path): \(detail)" }
}
