/// One MoE layer's routing decisions in one step, lent to `Simulation.run`'s `onRouting` for the
/// duration of the call (e.g. to export them as a trace).
public struct RoutedLayerStep {
  public let step: Int
  /// Transformer-block index of the MoE layer.
  public let layer: Int
  public let tokens: Int
  let slots: Int
  let experts: Int
  let selected: UnsafePointer<Int32>
  let gates: UnsafePointer<Float>
  /// Expert choice: tokens per expert and each expert's picks; 0 otherwise.
  let chosenPerExpert: Int
  let picked: UnsafePointer<Int32>
  let pickedGates: UnsafePointer<Float>

  init(
    step: Int, layer: Int, tokens: Int, slots: Int, experts: Int,
    selected: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>,
    chosenPerExpert: Int, picked: UnsafeMutablePointer<Int32>,
    pickedGates: UnsafeMutablePointer<Float>
  ) {
    self.step = step
    self.layer = layer
    self.tokens = tokens
    self.slots = slots
    self.experts = experts
    self.selected = UnsafePointer(selected)
    self.gates = UnsafePointer(gates)
    self.chosenPerExpert = chosenPerExpert
    self.picked = UnsafePointer(picked)
    self.pickedGates = UnsafePointer(pickedGates)
  }

  /// Every (token, expert, gate) assignment before capacity, by token, then in slot order (for
  /// expert choice: by expert).
  public func assignments() -> [(token: Int, expert: Int, gate: Float)] {
    var result: [(token: Int, expert: Int, gate: Float)] = []
    if slots > 0 {
      result.reserveCapacity(tokens * slots)
      for index in 0..<tokens * slots where selected[index] >= 0 {
        result.append((index / slots, Int(selected[index]), gates[index]))
      }
      return result
    }
    result.reserveCapacity(experts * chosenPerExpert)
    for expert in 0..<experts {
      for slot in 0..<chosenPerExpert {
        let index = expert * chosenPerExpert + slot
        result.append((Int(picked[index]), expert, pickedGates[index]))
      }
    }
    result.sort { ($0.token, $0.expert) < ($1.token, $1.expert) }
    return result
  }
}
