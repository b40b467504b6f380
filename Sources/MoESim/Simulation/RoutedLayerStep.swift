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
  /// `tokens × slots` flags, non-zero where capacity dropped the assignment (token choice).
  let dropped: UnsafePointer<UInt8>

  init(
    step: Int, layer: Int, tokens: Int, slots: Int, experts: Int,
    selected: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>,
    chosenPerExpert: Int, picked: UnsafeMutablePointer<Int32>,
    pickedGates: UnsafeMutablePointer<Float>, dropped: UnsafeMutablePointer<UInt8>
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
    self.dropped = UnsafePointer(dropped)
  }

  /// One routing decision and what capacity made of it.
  public struct Assignment: Equatable, Sendable {
    public var token: Int
    public var expert: Int
    /// The router's gate, before capacity.
    public var gate: Float
    /// Whether the expert's capacity kept the assignment (always, dropless or expert choice).
    public var kept: Bool
    /// The weight the expert's output gets when the token's outputs are combined: the gate if
    /// kept, 0 if dropped (Megatron-Core's `topk_softmax_with_capacity` multiplies the
    /// probabilities by the routing map after capacity, moe_utils.py).
    public var finalGate: Float { kept ? gate : 0 }
  }

  /// Every assignment, by token, then in slot order (for expert choice: by expert).
  public func assignments() -> [Assignment] {
    var result: [Assignment] = []
    if slots > 0 {
      result.reserveCapacity(tokens * slots)
      for index in 0..<tokens * slots where selected[index] >= 0 {
        result.append(
          Assignment(
            token: index / slots, expert: Int(selected[index]), gate: gates[index],
            kept: dropped[index] == 0))
      }
      return result
    }
    result.reserveCapacity(experts * chosenPerExpert)
    for expert in 0..<experts {
      for slot in 0..<chosenPerExpert {
        let index = expert * chosenPerExpert + slot
        result.append(
          Assignment(
            token: Int(picked[index]), expert: expert, gate: pickedGates[index], kept: true))
      }
    }
    result.sort { ($0.token, $0.expert) < ($1.token, $1.expert) }
    return result
  }
}
