/// The sizes a placement works with: logical experts, physical slots (experts plus redundant
/// replicas), devices, nodes, and expert groups (DeepSeek-V3's node-limited routing groups).
public struct PlacementShape: Sendable, Equatable {
  public let experts: Int
  public let slots: Int
  public let devices: Int
  public let nodes: Int
  public let groups: Int

  /// Checks the sizes; the error message says which rule is broken (callers add file and key).
  public init(experts: Int, slots: Int, devices: Int, nodes: Int = 1, groups: Int = 1)
    throws(PlacementShapeError)
  {
    guard experts >= 1 else { throw .init("experts = \(experts) must be ≥ 1") }
    guard devices >= 1 else { throw .init("devices = \(devices) must be ≥ 1") }
    guard slots >= experts else {
      throw .init("slots = \(slots) must be ≥ the experts of a layer (\(experts))")
    }
    guard slots % devices == 0 else {
      throw .init("slots = \(slots) must be a multiple of devices = \(devices)")
    }
    guard nodes >= 1, devices % nodes == 0 else {
      throw .init("nodes = \(nodes) must be ≥ 1 and divide devices = \(devices)")
    }
    guard groups >= 1, experts % groups == 0 else {
      throw .init("groups = \(groups) must be ≥ 1 and divide the experts (\(experts))")
    }
    self.experts = experts
    self.slots = slots
    self.devices = devices
    self.nodes = nodes
    self.groups = groups
  }

  public var slotsPerDevice: Int { slots / devices }
  public var devicesPerNode: Int { devices / nodes }
  /// EPLB's rule: balance nodes first when the groups split evenly over the nodes.
  public var isHierarchical: Bool { groups % nodes == 0 && nodes > 1 }
}

/// A broken size rule of a placement.
public struct PlacementShapeError: Error, Equatable, CustomStringConvertible, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}
