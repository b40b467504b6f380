import Foundation

extension RecordedTensor {
  /// A rectangular nested JSON list of numbers (`[[1, 2], [3, 4]]`, what `tensor.tolist()` and
  /// `json.dump` write) as a tensor. `path` names the value in errors, e.g. `logical_count`;
  /// an element is named by its indices, `logical_count[0][3][7]`.
  static func fromJSON(_ value: JSONValue, file: String, path: String) throws -> RecordedTensor {
    var shape: [Int] = []
    var probe = value
    while case .array(let items) = probe {
      shape.append(items.count)
      guard let first = items.first else { break }
      probe = first
    }
    var values: [Double] = []
    values.reserveCapacity(elementCount(shape) ?? 0)
    func visit(_ value: JSONValue, depth: Int, name: String) throws {
      if depth == shape.count {
        switch value {
        case .integer(let number): values.append(Double(number))
        case .number(let number): values.append(number)
        default:
          throw TraceError(
            file: file, line: nil,
            message: "\(name) = \(value.rendered) is \(value.typeName); expected a number")
        }
        return
      }
      guard case .array(let items) = value, items.count == shape[depth] else {
        throw TraceError(
          file: file, line: nil,
          message: "\(name) is not a list of \(shape[depth]) items like \(path)"
            + String(repeating: "[0]", count: depth) + " (the array is not rectangular)")
      }
      for (index, item) in items.enumerated() {
        try visit(item, depth: depth + 1, name: "\(name)[\(index)]")
      }
    }
    try visit(value, depth: 0, name: path)
    return RecordedTensor(shape: shape, values: values)
  }
}
