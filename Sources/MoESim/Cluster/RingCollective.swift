/// A collective over `ranks` devices on a ring (NCCL's ring algorithm): the payload is cut into
/// `ranks` chunks and each step every rank sends one chunk to its neighbour (Patarasuk and Yuan
/// 2009, "Bandwidth optimal all-reduce algorithms for clusters of workstations", sec. 3;
/// NCCL performance notes, github.com/NVIDIA/nccl-tests doc/PERFORMANCE.md: all-reduce moves
/// `2(n−1)/n` of the payload per rank, reduce-scatter and all-gather `(n−1)/n`).
///
/// Time = bytes each rank sends / link bandwidth + steps × per-step latency.
public struct RingCollective: Sendable, Equatable {
  public var ranks: Int
  /// Achieved bandwidth of the link a step crosses, bytes/s per direction.
  public var bytesPerSecond: Double
  /// Latency of one ring step, s.
  public var stepLatencySeconds: Double

  public init(ranks: Int, bytesPerSecond: Double, stepLatencySeconds: Double) {
    self.ranks = ranks
    self.bytesPerSecond = bytesPerSecond
    self.stepLatencySeconds = stepLatencySeconds
  }

  private var fraction: Double { Double(ranks - 1) / Double(ranks) }

  /// Bytes each rank sends in an all-reduce of a `bytes` payload: `2(n−1)/n · bytes`.
  public func allReduceBytesSent(payload bytes: Double) -> Double { 2 * fraction * bytes }
  /// `2(n−1)/n · bytes / bandwidth + 2(n−1) · latency` (reduce-scatter then all-gather).
  public func allReduceSeconds(payload bytes: Double) -> Double {
    guard ranks > 1 else { return 0 }
    return allReduceBytesSent(payload: bytes) / bytesPerSecond
      + 2 * Double(ranks - 1) * stepLatencySeconds
  }
  /// Bytes each rank sends in a reduce-scatter (or all-gather) of a `bytes` payload (the whole
  /// tensor, before scattering or after gathering): `(n−1)/n · bytes`.
  public func reduceScatterBytesSent(payload bytes: Double) -> Double { fraction * bytes }
  /// `(n−1)/n · bytes / bandwidth + (n−1) · latency`; an all-gather takes the same.
  public func reduceScatterSeconds(payload bytes: Double) -> Double {
    guard ranks > 1 else { return 0 }
    return reduceScatterBytesSent(payload: bytes) / bytesPerSecond
      + Double(ranks - 1) * stepLatencySeconds
  }
}
