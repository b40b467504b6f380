import Foundation

/// A CSV file read back (RFC 4180: quoted fields may hold commas, quotes and line breaks), for
/// plotting; the header row names the columns.
public struct CSVTable: Sendable, Equatable {
  public var columns: [String]
  public var rows: [[String]]

  /// A table already in memory; `path` names it in errors.
  init(columns: [String], rows: [[String]], path: String = "") {
    self.columns = columns
    self.rows = rows
    self.path = path
  }

  /// Reads and parses `path`.
  /// - Throws: `PlotError` when the file cannot be read or has no header.
  public init(path: String) throws {
    let text: String
    do {
      text = try InputText.contents(path)
    } catch {
      throw PlotError(path: path, detail: error.detail, missing: error.isMissingInput)
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

  /// The largest magnitude a chart plots: the span of two such values (≤ 2e300) and every
  /// canvas coordinate computed from it stay finite in `Double` (≤ 1.8e308).
  public static let plottableMagnitude = 1e300

  /// Column `name` as numbers.
  /// - Throws: `PlotError` naming the row when a cell is not a number, or is not finite or
  ///   beyond ±`plottableMagnitude` (`nan`, `inf`, `1e308` cannot be placed on an axis).
  public func numbers(_ name: String) throws -> [Double] {
    let column = try index(name)
    return try rows.enumerated().map { number, row in
      guard column < row.count, let value = Double(row[column]) else {
        throw PlotError(path: path, detail: "row \(number + 2): \(name) is not a number")
      }
      guard abs(value) <= Self.plottableMagnitude else {
        throw PlotError(
          path: path,
          detail: "row \(number + 2): \(name) = \(ErrorText.echo(row[column])) cannot be plotted;"
            + " allowed finite numbers within ±1e300")
      }
      return value
    }
  }

  /// Column `name` as integers (ids such as `layer` and `expert`).
  /// - Throws: `PlotError` naming the row when a cell is not a whole number in `Int` range.
  public func integers(_ name: String) throws -> [Int] {
    let column = try index(name)
    return try rows.enumerated().map { number, row in
      guard column < row.count, let value = Int(row[column]) else {
        throw PlotError(
          path: path,
          detail:
            "row \(number + 2): \(name) = \(ErrorText.echo(row.count > column ? row[column] : ""))"
            + " is not an integer")
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
