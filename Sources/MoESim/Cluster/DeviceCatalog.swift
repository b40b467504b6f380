/// One accelerator kind: what the time model needs to know of it. Rates are dense (no 2:4
/// sparsity), per device, in SI units (GB = 10^9 bytes, TFLOP/s = 10^12 FLOP/s); link bandwidths
/// are per direction.
public struct DeviceSpec: Sendable, Equatable, Encodable {
  /// Catalog name (`h100-sxm`) or the inline definition's name.
  public var name: String
  /// HBM capacity in GB (10^9 bytes), as on the datasheet.
  public var memoryGB: Double
  /// Memory a program can use, GiB (2^30 bytes): the total `nvidia-smi` reports where known
  /// (an 80 GB H100 shows 81,559 MiB ≈ 79.6 GiB, more than 80 GB converted, 74.5 GiB), else
  /// `memoryGB` converted (a lower bound). The default of `cluster.device_memory_gib`.
  public var usableMemoryGiB: Double
  /// HBM bandwidth in GB/s.
  public var hbmBandwidthGBps: Double
  /// Peak dense matrix throughput per number format, TFLOP/s (TOP/s for int8); nil when the
  /// device has no such rate (the time model then uses the next wider format, see `tflops(for:)`).
  public var fp32TFLOPs: Double?
  public var bf16TFLOPs: Double
  public var fp8TFLOPs: Double?
  /// Dense FP4 (NVFP4 / MXFP4) rate, where the device has one; informational: no
  /// `precision` format maps to it yet.
  public var fp4TFLOPs: Double?
  public var int8TOPs: Double?
  /// Bandwidth to a device of the same node (NVLink, Infinity Fabric, ICI), GB/s per direction.
  public var intraNodeBandwidthGBps: Double
  /// Bandwidth to devices of other nodes (InfiniBand / Ethernet NIC share), GB/s per direction.
  public var interNodeBandwidthGBps: Double
  /// Latency of one message, µs (an assumption of the order of magnitude, not a datasheet value).
  public var linkLatencyMicroseconds: Double
  /// Devices in one node (one NVLink / Infinity Fabric domain, or one TPU host).
  public var devicesPerNode: Int

  public init(
    name: String, memoryGB: Double, hbmBandwidthGBps: Double, fp32TFLOPs: Double?,
    bf16TFLOPs: Double, fp8TFLOPs: Double?, int8TOPs: Double?, intraNodeBandwidthGBps: Double,
    interNodeBandwidthGBps: Double, linkLatencyMicroseconds: Double, devicesPerNode: Int,
    usableMemoryGiB: Double? = nil, fp4TFLOPs: Double? = nil
  ) {
    self.name = name
    self.memoryGB = memoryGB
    self.usableMemoryGiB = usableMemoryGiB ?? memoryGB * 1e9 / 1_073_741_824
    self.fp4TFLOPs = fp4TFLOPs
    self.hbmBandwidthGBps = hbmBandwidthGBps
    self.fp32TFLOPs = fp32TFLOPs
    self.bf16TFLOPs = bf16TFLOPs
    self.fp8TFLOPs = fp8TFLOPs
    self.int8TOPs = int8TOPs
    self.intraNodeBandwidthGBps = intraNodeBandwidthGBps
    self.interNodeBandwidthGBps = interNodeBandwidthGBps
    self.linkLatencyMicroseconds = linkLatencyMicroseconds
    self.devicesPerNode = devicesPerNode
  }

  /// `nvidia-smi`'s total, MiB, in GiB.
  static func gibibytes(mebibytes: Double) -> Double { mebibytes / 1024 }

  /// Peak dense FLOP/s for matrix products whose inputs are in `format`: int4, MXFP4 and NVFP4
  /// weights are dequantised and run at the activations' rate, so they map to bf16; a format the device
  /// lacks falls back to the next wider one (fp8 → bf16, int8 → bf16, fp32 → bf16 rate / 2).
  public func flopsPerSecond(for format: NumberFormat) -> Double {
    let tera = 1e12
    switch format {
    case .fp32: return (fp32TFLOPs ?? bf16TFLOPs / 2) * tera
    case .bf16, .fp16, .int4, .mxfp4, .nvfp4: return bf16TFLOPs * tera
    case .fp8, .fp8Block: return (fp8TFLOPs ?? bf16TFLOPs) * tera
    case .int8: return (int8TOPs ?? bf16TFLOPs) * tera
    }
  }

  private enum CodingKeys: String, CodingKey {
    case name
    case memoryGB = "memory_gb"
    case usableMemoryGiB = "usable_memory_gib"
    case fp4TFLOPs = "fp4_tflops"
    case hbmBandwidthGBps = "hbm_bandwidth_gbps"
    case fp32TFLOPs = "fp32_tflops"
    case bf16TFLOPs = "bf16_tflops"
    case fp8TFLOPs = "fp8_tflops"
    case int8TOPs = "int8_tops"
    case intraNodeBandwidthGBps = "intra_node_bandwidth_gbps"
    case interNodeBandwidthGBps = "inter_node_bandwidth_gbps"
    case linkLatencyMicroseconds = "link_latency_us"
    case devicesPerNode = "devices_per_node"
  }
}

/// The built-in devices, by the name used in `cluster.device`.
///
/// `fp32` is the tensor-core TF32 rate on NVIDIA parts and the matrix FP32 rate on AMD (the
/// rate an fp32 matmul actually gets); TPU v5p publishes none. Link latency is an assumption
/// (~2 µs for a scale-up link hop, ~5 µs across an RDMA NIC), not a datasheet figure; override
/// it with an inline device when measured values are known.
public enum DeviceCatalog {
  /// Names in the order shown in errors and the README.
  public static let names = [
    "h100-sxm", "h800", "h200", "a100-sxm", "b200", "gb200", "mi300x", "tpu-v5p",
  ]

  public static func device(named name: String) -> DeviceSpec? {
    switch name {
    case "h100-sxm":
      // NVIDIA H100 Tensor Core GPU datasheet, SXM column: 80 GB HBM3, 3.35 TB/s; TF32 989,
      // BF16 1,979, FP8 3,958 TFLOPS and INT8 3,958 TOPS *with sparsity* (halved here for
      // dense); NVLink 900 GB/s (both directions → 450 per direction). DGX H100: one 400 Gb/s
      // ConnectX-7 per GPU = 50 GB/s. Usable memory: nvidia-smi reports 81,559 MiB on
      // "NVIDIA H100 80GB HBM3" (github.com/NVIDIA/nccl/issues/1264,
      // github.com/modal-labs/modal-client/pull/2797).
      return DeviceSpec(
        name: name, memoryGB: 80, hbmBandwidthGBps: 3350, fp32TFLOPs: 494.5, bf16TFLOPs: 989.5,
        fp8TFLOPs: 1979, int8TOPs: 1979, intraNodeBandwidthGBps: 450,
        interNodeBandwidthGBps: 50, linkLatencyMicroseconds: 2, devicesPerNode: 8,
        usableMemoryGiB: DeviceSpec.gibibytes(mebibytes: 81_559))
    case "h800":
      // NVIDIA H800 SXM, DeepSeek's training and serving part: the H100 SXM's tensor-core
      // rates and 80 GB HBM3 at 3.35 TB/s with NVLink cut to 400 GB/s (200 per direction);
      // DeepSeek-V3 technical report (arXiv:2412.19437) sec. 3.1: 8 GPUs per node over
      // NVLink/NVSwitch, InfiniBand across nodes; deepseek-ai/DeepEP README: "H800 (~160 GB/s
      // NVLink maximum bandwidth), each connected to a CX7 InfiniBand 400 Gb/s RDMA network
      // card (~50 GB/s maximum bandwidth)". Usable memory: taken as the H100 80 GB's 81,559 MiB
      // (same HBM3 stacks; no nvidia-smi log of an H800 at hand).
      guard var h800 = device(named: "h100-sxm") else { return nil }
      h800.name = name
      h800.intraNodeBandwidthGBps = 200
      return h800
    case "h200":
      // NVIDIA H200 Tensor Core GPU datasheet, SXM column: 141 GB HBM3e, 4.8 TB/s; compute as
      // H100 SXM (same sparse figures, halved); NVLink 900 GB/s; DGX H200: 400 Gb/s per GPU.
      // Usable memory: nvidia-smi reports 143,771 MiB ≈ 140.4 GiB on "NVIDIA H200" (public
      // nvidia-smi logs of 8 × H200 nodes, drivers 550–580).
      return DeviceSpec(
        name: name, memoryGB: 141, hbmBandwidthGBps: 4800, fp32TFLOPs: 494.5, bf16TFLOPs: 989.5,
        fp8TFLOPs: 1979, int8TOPs: 1979, intraNodeBandwidthGBps: 450,
        interNodeBandwidthGBps: 50, linkLatencyMicroseconds: 2, devicesPerNode: 8,
        usableMemoryGiB: DeviceSpec.gibibytes(mebibytes: 143_771))
    case "a100-sxm":
      // NVIDIA A100 Tensor Core GPU datasheet, 80GB SXM column: 2,039 GB/s HBM2e; TF32 156,
      // BF16 312 TFLOPS, INT8 624 TOPS dense; no FP8; NVLink 600 GB/s (300 per direction).
      // DGX A100: one 200 Gb/s ConnectX-6 per GPU = 25 GB/s. Usable memory: nvidia-smi
      // reports 81,920 MiB on an A100 80GB (github.com/modal-labs/modal-client/pull/2797).
      return DeviceSpec(
        name: name, memoryGB: 80, hbmBandwidthGBps: 2039, fp32TFLOPs: 156, bf16TFLOPs: 312,
        fp8TFLOPs: nil, int8TOPs: 624, intraNodeBandwidthGBps: 300,
        interNodeBandwidthGBps: 25, linkLatencyMicroseconds: 2, devicesPerNode: 8,
        usableMemoryGiB: DeviceSpec.gibibytes(mebibytes: 81_920))
    case "b200":
      // NVIDIA DGX B200 datasheet (8 GPUs): 1,440 GB HBM3e, 64 TB/s, 72 PFLOPS FP8 training
      // (sparse), 18 PFLOPS TF32 (sparse); per GPU and dense: 180 GB, 8 TB/s, FP8 4.5, BF16
      // 2.25, TF32 1.125 PFLOPS, INT8 4.5 POPS, FP4 9 PFLOPS (144 PFLOPS sparse per system);
      // fifth-generation NVLink 1.8 TB/s (900 per direction); ConnectX-7 400 Gb/s per GPU =
      // 50 GB/s. Usable memory: nvidia-smi reports 183,359 MiB ≈ 179.1 GiB on "NVIDIA B200"
      // (github.com/NVIDIA/TensorRT-LLM/issues/10278).
      return DeviceSpec(
        name: name, memoryGB: 180, hbmBandwidthGBps: 8000, fp32TFLOPs: 1125, bf16TFLOPs: 2250,
        fp8TFLOPs: 4500, int8TOPs: 4500, intraNodeBandwidthGBps: 900,
        interNodeBandwidthGBps: 50, linkLatencyMicroseconds: 2, devicesPerNode: 8,
        usableMemoryGiB: DeviceSpec.gibibytes(mebibytes: 183_359), fp4TFLOPs: 9000)
    case "gb200":
      // NVIDIA GB200 NVL72 product page (72 Blackwell GPUs, one NVLink domain): FP4 1,440,
      // FP8 720, BF16 360, TF32 180 PFLOPS (with sparsity), 13.4 TB HBM3e at 576 TB/s, NVLink
      // 130 TB/s; per GPU and dense: FP4 10, FP8 5, BF16 2.5, TF32 1.25 PFLOPS (INT8 as FP8),
      // 186 GB at 8 TB/s, NVLink 1.8 TB/s (900 per direction), 72 GPUs per NVLink domain;
      // across racks one 400 Gb/s ConnectX-7 per GPU = 50 GB/s. Usable memory: no nvidia-smi
      // total at hand, so the datasheet's 186 GB converted (173.2 GiB, a lower bound).
      return DeviceSpec(
        name: name, memoryGB: 186, hbmBandwidthGBps: 8000, fp32TFLOPs: 1250, bf16TFLOPs: 2500,
        fp8TFLOPs: 5000, int8TOPs: 5000, intraNodeBandwidthGBps: 900,
        interNodeBandwidthGBps: 50, linkLatencyMicroseconds: 2, devicesPerNode: 72,
        fp4TFLOPs: 10_000)
    case "mi300x":
      // AMD Instinct MI300X datasheet: 192 GB HBM3, 5.3 TB/s; matrix FP32 163.4, BF16
      // 1,307.4, FP8 2,614.9 TFLOPS and INT8 2,614.9 TOPS dense; Infinity Fabric 896 GB/s
      // peer-to-peer aggregate (7 links, 448 per direction); one 400 Gb/s NIC per GPU.
      return DeviceSpec(
        name: name, memoryGB: 192, hbmBandwidthGBps: 5300, fp32TFLOPs: 163.4,
        bf16TFLOPs: 1307.4, fp8TFLOPs: 2614.9, int8TOPs: 2614.9, intraNodeBandwidthGBps: 448,
        interNodeBandwidthGBps: 50, linkLatencyMicroseconds: 2, devicesPerNode: 8)
    case "tpu-v5p":
      // Google Cloud TPU v5p documentation: 95 GB HBM2e, 2,765 GB/s; 459 BF16 TFLOPS, 918
      // INT8 TOPS; ICI 4,800 Gbps per chip (600 GB/s, counted here per direction as the sum
      // over its links); 4 chips per host. A v5p pod is ICI-connected throughout, so the
      // "inter-node" bandwidth between hosts is ICI too.
      return DeviceSpec(
        name: name, memoryGB: 95, hbmBandwidthGBps: 2765, fp32TFLOPs: nil, bf16TFLOPs: 459,
        fp8TFLOPs: nil, int8TOPs: 918, intraNodeBandwidthGBps: 600,
        interNodeBandwidthGBps: 600, linkLatencyMicroseconds: 2, devicesPerNode: 4)
    default:
      return nil
    }
  }
}
