/// How often a token's first-choice expert at one MoE layer sits on the same device as its
/// first choice at the previous MoE layer: the traffic an affinity-aware placement can keep on
/// the device (Yao et al. 2024, *ExFlow*, arXiv:2401.08383). Under a placement blind to
/// affinity and routing that ignores the previous layer it is 1/devices.
public struct CrossLayerLocality: Sendable, Equatable {
  /// Tokens with a first choice at both layers.
  public var tokens = 0
  /// Of them, those whose two first choices sit on one device.
  public var sameDevice = 0

  public init() {}

  /// Share of tokens whose first choices sit on one device; nil without tokens.
  public var sameDeviceRate: Double? { tokens > 0 ? Double(sameDevice) / Double(tokens) : nil }

  mutating func add(_ other: CrossLayerLocality) {
    tokens += other.tokens
    sameDevice += other.sameDevice
  }
}
