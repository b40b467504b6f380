/// The devices a model is laid out on and how it is split across them. A later device catalog
/// (time model, placement) extends this section; the names are chosen so that it can.
public struct ClusterSpec: Sendable, Equatable, Encodable {
  /// Devices in the layout: `tp × pp × dp`.
  public var devices: Int
  /// Memory of one device in GiB (2^30 bytes): `cluster.device_memory_gib`, else the device's
  /// usable memory, else `defaultDeviceMemoryGiB`.
  public var deviceMemoryGiB: Double
  /// Where `deviceMemoryGiB` came from.
  public var deviceMemorySource = DeviceMemorySource.default
  /// Largest tensor-parallel degree the smallest-fit search may use (devices linked closely
  /// enough for tensor parallelism, typically one node).
  public var maxTP: Int
  public var layout: ParallelLayout
  /// The accelerator (a catalog name or an inline definition); nil when not given.
  public var device: DeviceSpec?
  /// Devices per node (one NVLink / Infinity Fabric domain); inter-node traffic crosses NICs.
  public var devicesPerNode: Int = 8
  /// Expert placement on the `layout.ep` devices; nil computes no per-device figures.
  public var placement: ClusterPlacementSpec?
  /// The step-time model's mode and efficiencies.
  public var cost = ClusterCostSpec()
  /// The fraction of a device's memory the serving or training engine may fill (vLLM's
  /// `gpu_memory_utilization`, 0.9 by default there); 1 counts all of it.
  public var memoryUtilization = 1.0
  /// GiB of each device held back from that share for what no tensor accounts for: the CUDA
  /// context, communication buffers, allocator fragmentation.
  public var memoryReserveGiB = 0.0

  public init(
    devices: Int = 1, deviceMemoryGiB: Double = ClusterSpec.defaultDeviceMemoryGiB, maxTP: Int = 8,
    layout: ParallelLayout = ParallelLayout()
  ) {
    self.devices = devices
    self.deviceMemoryGiB = deviceMemoryGiB
    self.maxTP = maxTP
    self.layout = layout
  }

  private enum CodingKeys: String, CodingKey {
    case devices, layout, device, placement, cost
    case devicesPerNode = "devices_per_node"
    case deviceMemoryGiB = "device_memory_gib"
    case maxTP = "max_tp"
    case memoryUtilization = "memory_utilization"
    case memoryReserveGiB = "memory_reserve_gib"
  }

  /// Equal clusters have equal figures; where the memory figure came from
  /// (`deviceMemorySource`) is provenance, so the resolved scenario read back equals the run's.
  public static func == (lhs: ClusterSpec, rhs: ClusterSpec) -> Bool {
    lhs.devices == rhs.devices && lhs.deviceMemoryGiB == rhs.deviceMemoryGiB
      && lhs.maxTP == rhs.maxTP && lhs.layout == rhs.layout && lhs.device == rhs.device
      && lhs.devicesPerNode == rhs.devicesPerNode && lhs.placement == rhs.placement
      && lhs.cost == rhs.cost && lhs.memoryUtilization == rhs.memoryUtilization
      && lhs.memoryReserveGiB == rhs.memoryReserveGiB
  }

  /// Device memory in bytes.
  public var deviceMemoryBytes: Double { deviceMemoryGiB * 1_073_741_824 }

  /// The bytes of a device that weights, KV cache and activations may fill: its memory times
  /// `memoryUtilization`, less `memoryReserveGiB`. What "fits" is measured against.
  public var usableMemoryBytes: Double {
    (deviceMemoryGiB * memoryUtilization - memoryReserveGiB) * 1_073_741_824
  }

  /// Memory of a device when the scenario names none: an 80 GB H100 SXM as `nvidia-smi` reports
  /// it (81,559 MiB ≈ 79.6 GiB; `DeviceCatalog`), so that naming `h100-sxm` keeps it and every
  /// other catalog device has at least as much.
  public static let defaultDeviceMemoryGiB = 81_559.0 / 1024

  /// Where a scenario's device memory came from (`summary.csv`'s `device_memory_source`).
  public enum DeviceMemorySource: String, Sendable, Equatable {
    /// `cluster.device_memory_gib`, set in the file or by `--set`.
    case scenario = "cluster.device_memory_gib"
    /// The usable memory of `cluster.device` (`DeviceSpec.usableMemoryGiB`).
    case device = "cluster.device"
    /// Neither: `defaultDeviceMemoryGiB`.
    case `default`
  }
}

/// A parallel layout in the Megatron-Core sense: tensor (`tp`), pipeline (`pp`) and data (`dp`)
/// parallelism over `tp × pp × dp` devices; within a pipeline stage the `tp × dp` devices are
/// regrouped for the experts into expert-tensor (`expert_tp`) × expert (`ep`) × expert-data
/// parallel groups (Megatron-Core MoE "parallel folding").
public struct ParallelLayout: Sendable, Equatable, Encodable {
  public var tp: Int
  public var ep: Int
  public var expertTP: Int
  public var dp: Int
  public var pp: Int

  public init(tp: Int = 1, ep: Int = 1, expertTP: Int = 1, dp: Int = 1, pp: Int = 1) {
    self.tp = tp
    self.ep = ep
    self.expertTP = expertTP
    self.dp = dp
    self.pp = pp
  }

  private enum CodingKeys: String, CodingKey {
    case tp, ep, dp, pp
    case expertTP = "expert_tp"
  }

  /// Devices the layout uses.
  public var devices: Int { tp * pp * dp }
  /// Replicas of each expert shard over which ZeRO shards the experts' states.
  public var expertDP: Int { max(1, tp * dp / (ep * expertTP)) }

  /// `tp=2,ep=4,expert_tp=1,dp=1,pp=1`.
  public var description: String {
    "tp=\(tp),ep=\(ep),expert_tp=\(expertTP),dp=\(dp),pp=\(pp)"
  }
}

/// What the memory estimate is for.
public struct MemorySpec: Sendable, Equatable, Encodable {
  public enum Mode: String, Sendable, CaseIterable, Encodable {
    case inference, training
  }

  /// How much of a layer's activations training keeps for the backward pass.
  public enum Recompute: String, Sendable, CaseIterable, Encodable {
    /// Keep every activation (FlashAttention keeps no score matrix either way).
    case none
    /// Keep only each layer's input and recompute the rest (Korthikanti et al. 2022, sec. 4.3).
    case full
  }

  public var mode: Mode
  /// Sequences per model replica: the serving batch, or the training micro-batch.
  public var batch: Int
  /// Tokens per sequence: the cached context (inference) or the training sequence length.
  public var context: Int
  /// ZeRO stage over data parallelism: 0 none, 1 optimizer states, 2 + gradients, 3 + weights
  /// (Rajbhandari et al. 2020, sec. 5).
  public var zeroStage: Int
  public var recompute: Recompute
  /// Inference: the most prompt tokens one forward pass takes (chunked prefill, vLLM's
  /// `max_num_batched_tokens`), which sizes the activation workspace; nil prefills every
  /// sequence's whole context at once.
  public var prefillChunkTokens: Int?

  public init(
    mode: Mode = .inference, batch: Int = 1, context: Int = 4096, zeroStage: Int = 0,
    recompute: Recompute = .none, prefillChunkTokens: Int? = nil
  ) {
    self.mode = mode
    self.batch = batch
    self.context = context
    self.zeroStage = zeroStage
    self.recompute = recompute
    self.prefillChunkTokens = prefillChunkTokens
  }

  /// Tokens whose activations one forward pass holds: `batch × context`, capped in inference by
  /// `prefillChunkTokens`.
  public var activationTokens: Double {
    let whole = Double(batch) * Double(context)
    guard mode == .inference, let prefillChunkTokens else { return whole }
    return min(whole, Double(prefillChunkTokens))
  }
}

/// Inputs of the training-compute totals.
public struct ComputeSpec: Sendable, Equatable, Encodable {
  /// Tokens of a training run `D`; nil reports per-token figures and Chinchilla's optimum only.
  public var trainingTokens: Double?

  public init(trainingTokens: Double? = nil) { self.trainingTokens = trainingTokens }
}
