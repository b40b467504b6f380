import Foundation

extension ExpertLoadTable {
  /// Loads from a `[layers, experts]` tensor, or `[steps, layers, experts]` summed over the
  /// steps (SGLang's `logical_count`, DeepSeek EPLB's `weight`, any `.npy` dump). Row `i` is
  /// layer `i`. Every element must be a finite number ≥ 0; an error names it by its indices,
  /// e.g. `weight[2][5] = -1`.
  public init(tensor: RecordedTensor, file: String, name: String) throws {
    guard tensor.shape.count == 2 || tensor.shape.count == 3 else {
      throw TraceError(
        file: file, line: nil,
        message: "\(name) has shape \(RecordedTensor.describe(tensor.shape)); expected "
          + "[layers, experts] or [steps, layers, experts]")
    }
    let experts = tensor.shape[tensor.shape.count - 1]
    let layers = tensor.shape[tensor.shape.count - 2]
    let steps = tensor.shape.count == 3 ? tensor.shape[0] : 1
    guard steps >= 1, layers >= 1, (1...ScenarioLimits.experts).contains(experts) else {
      throw TraceError(
        file: file, line: nil,
        message: "\(name) has shape \(RecordedTensor.describe(tensor.shape)); every dimension "
          + "must be ≥ 1 and experts ≤ \(ScenarioLimits.experts)")
    }
    var loads = [[Double]](repeating: [Double](repeating: 0, count: experts), count: layers)
    for (index, value) in tensor.values.enumerated() {
      guard value.isFinite, value >= 0 else {
        var indices: [Int] = []
        var rest = index
        for length in tensor.shape.reversed() {
          indices.insert(rest % length, at: 0)
          rest /= length
        }
        throw TraceError(
          file: file, line: nil,
          message: "\(name)\(indices.map { "[\($0)]" }.joined()) = \(value) is out of range; "
            + "allowed a finite load ≥ 0")
      }
      loads[index / experts % layers][index % experts] += value
    }
    self.init(layers: Array(0..<layers), experts: experts, loads: loads)
  }
}
