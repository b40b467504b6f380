/// What one MoE layer's routing of one step asks of each expert-parallel device: expert work,
/// expert slots touched, and all-to-all token copies, split intra-node and inter-node.
///
/// The step's tokens start spread evenly over the devices in contiguous blocks (token `t` on
/// device `t · D / T`, attention data-parallel over the EP group as in DeepSeek-V3 serving). A
/// kept assignment of token `t` to expert `e` goes to replica `t mod r` of `e`'s `r` slots, so
/// replica traffic splits evenly. Dispatch sends each token to each device holding one of its
/// experts (once per device when deduplicated, as DeepEP does; once per expert otherwise); a
/// copy to the token's own device moves nothing. Combine sends the results back the same way,
/// so a device's combine traffic mirrors its dispatch traffic.
///
/// With node forwarding (DeepEP's normal kernels; DeepSeek-V3 technical report, arXiv:2412.19437,
/// sec. 3.2.2) a token crosses the network once per destination node other than its own, to the
/// device of the same local index there (the forwarder), which copies it over the intra-node link
/// to each destination device of its node; in the token's own node the source device is the
/// forwarder. The forwarder's onward copies count as its own intra-node sends, and combine runs
/// the same paths backwards (results reduced at the forwarder, one network copy back per node).
public struct DeviceTraffic: Sendable, Equatable {
  /// Kept assignments each device computes (token rows through one expert).
  public var assignments: [Int]
  /// Distinct expert slots that received at least one token: weight matrices to read.
  public var slotsTouched: [Int]
  /// Dispatch token copies sent / received, to / from devices of the same node and of others.
  public var sentIntra: [Int]
  public var sentInter: [Int]
  public var receivedIntra: [Int]
  public var receivedInter: [Int]
  /// Dispatch token copies a device keeps for itself (its token, one of its experts): they
  /// cross no link, but DeepEP's logical bandwidth counts them among the received ones.
  public var keptLocal: [Int]
  /// Token copies that end on each device (one per token and destination device, its own
  /// tokens included): DeepEP's `recv_x` rows.
  public var deliveredCopies: [Int]
  /// For the tokens that start on each device, the (token, destination node) pairs, its own
  /// node included: DeepEP's `num_rdma_token_sent`.
  public var nodeCopies: [Int]
  /// Distinct devices a device sends dispatch copies to, and receives them from.
  public var peersSent: [Int]
  public var peersReceived: [Int]
  /// Slots of each device whose expert changed at this step's re-plan (0 without re-plan).
  public var slotsReplaced: [Int]
  /// Tokens that start on each device (attention and dense parts run there).
  public var sourceTokens: [Int]
  /// Ring all-reduce volume of the gradients of replicated experts held by each device, in
  /// expert weight copies: Σ over its slots of an expert with `r > 1` replicas of `2(r−1)/r`.
  public var replicaGradientCopies: [Double]

  init(devices: Int) {
    let zeros = [Int](repeating: 0, count: devices)
    assignments = zeros
    slotsTouched = zeros
    sentIntra = zeros
    sentInter = zeros
    receivedIntra = zeros
    receivedInter = zeros
    keptLocal = zeros
    deliveredCopies = zeros
    nodeCopies = zeros
    peersSent = zeros
    peersReceived = zeros
    slotsReplaced = zeros
    sourceTokens = zeros
    replicaGradientCopies = [Double](repeating: 0, count: devices)
  }

  /// Measures one layer.
  /// - Parameters:
  ///   - selected: `tokens × topK` selected experts, in token order.
  ///   - dropped: `tokens × topK` flags (non-zero = dropped by capacity), or nil when none was.
  ///   - devicesPerNode: devices `d` and `d'` share a node when `d / n == d' / n`.
  ///   - forwarding: node forwarding (deduplicated per node and per device whatever `dedup`).
  public static func measure(
    selected: UnsafePointer<Int32>, dropped: UnsafePointer<UInt8>?, tokens: Int, topK: Int,
    placement: ExpertPlacement, slotsOfExpert: [[Int]], devicesPerNode: Int, dedup: Bool,
    forwarding: Bool = false
  ) -> DeviceTraffic {
    let devices = placement.devices
    let perDevice = placement.slotsPerDevice
    var traffic = DeviceTraffic(devices: devices)
    var touched = [Bool](repeating: false, count: placement.slots)
    var linked = [Bool](repeating: false, count: devices * devices)
    var destinations = [Int](repeating: 0, count: topK)
    var nodes = [Int](repeating: 0, count: topK)
    let dedup = dedup || forwarding
    for (slot, expert) in placement.slotExperts.enumerated() {
      let replicas = Double(slotsOfExpert[expert].count)
      if replicas > 1 {
        traffic.replicaGradientCopies[slot / perDevice] += 2 * (replicas - 1) / replicas
      }
    }
    for token in 0..<tokens {
      let source = token * devices / max(1, tokens)
      traffic.sourceTokens[source] += 1
      var count = 0
      var nodeCount = 0
      let sourceNode = source / devicesPerNode
      for choice in 0..<topK {
        let index = token * topK + choice
        // Empty slots (-1: e.g. GShard's skipped second expert) and dropped ones move nothing.
        if selected[index] < 0 { continue }
        if let dropped, dropped[index] != 0 { continue }
        let replicas = slotsOfExpert[Int(selected[index])]
        let slot = replicas[token % replicas.count]
        let device = slot / perDevice
        touched[slot] = true
        traffic.assignments[device] += 1
        if dedup && destinations[0..<count].contains(device) { continue }
        destinations[count] = device
        count += 1
        traffic.deliveredCopies[device] += 1
        let node = device / devicesPerNode
        let firstToNode = !nodes[0..<nodeCount].contains(node)
        if firstToNode {
          nodes[nodeCount] = node
          nodeCount += 1
          traffic.nodeCopies[source] += 1
        }
        if forwarding && node != sourceNode {
          // The forwarder: the same local index in the destination node (the last device of a
          // short last node when that index is past its end).
          let forwarder = min(node * devicesPerNode + source % devicesPerNode, devices - 1)
          if firstToNode {
            linked[source * devices + forwarder] = true
            traffic.sentInter[source] += 1
            traffic.receivedInter[forwarder] += 1
          }
          if device != forwarder {
            linked[forwarder * devices + device] = true
            traffic.sentIntra[forwarder] += 1
            traffic.receivedIntra[device] += 1
          }
          continue
        }
        guard device != source else {
          traffic.keptLocal[source] += 1
          continue
        }
        linked[source * devices + device] = true
        if source / devicesPerNode == device / devicesPerNode {
          traffic.sentIntra[source] += 1
          traffic.receivedIntra[device] += 1
        } else {
          traffic.sentInter[source] += 1
          traffic.receivedInter[device] += 1
        }
      }
    }
    for slot in 0..<placement.slots where touched[slot] {
      traffic.slotsTouched[slot / perDevice] += 1
    }
    for source in 0..<devices {
      for device in 0..<devices where linked[source * devices + device] {
        traffic.peersSent[source] += 1
        traffic.peersReceived[device] += 1
      }
    }
    return traffic
  }
}
