import Testing

@testable import MoESim

/// The device catalog and the `cluster` keys.
@Suite struct DeviceCatalogTests {
  @Test func everyCatalogNameResolves() throws {
    for name in DeviceCatalog.names {
      let device = try #require(DeviceCatalog.device(named: name))
      #expect(device.name == name)
      // Dense fp8 (where present) is twice bf16 on every listed part (datasheets).
      if let fp8 = device.fp8TFLOPs { #expect(abs(fp8 / device.bf16TFLOPs - 2) < 0.01) }
    }
    #expect(DeviceCatalog.device(named: "h300") == nil)
  }

  /// A100 has no fp8: fp8 matmuls run at the bf16 rate (312 TFLOP/s, datasheet); int4 weights
  /// are dequantised to bf16.
  @Test func missingFormatsFallBackToAWiderOne() throws {
    let a100 = try #require(DeviceCatalog.device(named: "a100-sxm"))
    #expect(a100.flopsPerSecond(for: .fp8) == 312e12)
    #expect(a100.flopsPerSecond(for: .int4) == 312e12)
    #expect(a100.flopsPerSecond(for: .int8) == 624e12)
    let tpu = try #require(DeviceCatalog.device(named: "tpu-v5p"))
    #expect(tpu.flopsPerSecond(for: .fp32) == 459e12 / 2)
  }

  /// Naming a device sets the memory to what `nvidia-smi` reports: an H200 (141 GB) shows
  /// 143,771 MiB = 140.4 GiB, not 141e9 / 2^30 = 131.3 GiB; an explicit value wins.
  @Test func deviceSetsMemoryAndNodeSize() throws {
    let scenario = try TestSupport.quickstart(["cluster.device=h200"])
    #expect(scenario.cluster.deviceMemoryGiB == 143_771.0 / 1024)
    #expect(scenario.cluster.deviceMemorySource == .device)
    #expect(scenario.cluster.devicesPerNode == 8)
    let tpu = try TestSupport.quickstart(["cluster.device=tpu-v5p"])
    #expect(tpu.cluster.devicesPerNode == 4)
    let explicit = try TestSupport.quickstart([
      "cluster.device=h200", "cluster.device_memory_gib=100",
    ])
    #expect(explicit.cluster.deviceMemoryGiB == 100)
    #expect(explicit.cluster.deviceMemorySource == .scenario)
    let none = try TestSupport.quickstart([])
    #expect(none.cluster.deviceMemorySource == .default)
    // An inline device without `usable_memory_gib` converts its datasheet GB; with it, uses it.
    let inline =
      "cluster.device={memory_gb: 96, hbm_bandwidth_gbps: 4000, bf16_tflops: 900,"
      + " intra_node_bandwidth_gbps: 450, inter_node_bandwidth_gbps: 50"
    let converted = try TestSupport.quickstart([inline + "}"])
    #expect(converted.cluster.deviceMemoryGiB == 96e9 / 1_073_741_824)
    let measured = try TestSupport.quickstart([inline + ", usable_memory_gib: 94.5}"])
    #expect(measured.cluster.deviceMemoryGiB == 94.5)
  }

  /// The default is an 80 GB H100 SXM as nvidia-smi reports it (81,559 MiB): choosing
  /// `h100-sxm` keeps it, and no catalog device has less, so naming a device never shrinks the
  /// memory of a scenario that did not set it.
  @Test func choosingADeviceNeverShrinksTheDefault() throws {
    let base = try TestSupport.quickstart([])
    #expect(base.cluster.deviceMemoryGiB == 81_559.0 / 1024)
    for name in DeviceCatalog.names {
      let scenario = try TestSupport.quickstart(["cluster.device=\(name)"])
      #expect(scenario.cluster.deviceMemoryGiB >= base.cluster.deviceMemoryGiB, "\(name)")
    }
    let h100 = try TestSupport.quickstart(["cluster.device=h100-sxm"])
    #expect(h100.cluster.deviceMemoryGiB == base.cluster.deviceMemoryGiB)
  }

  /// H800, B200 and GB200 with their cited figures (DeviceCatalog's comments).
  @Test func hopperAndBlackwellParts() throws {
    let h800 = try #require(DeviceCatalog.device(named: "h800"))
    #expect(h800.intraNodeBandwidthGBps == 200 && h800.bf16TFLOPs == 989.5)
    let b200 = try #require(DeviceCatalog.device(named: "b200"))
    #expect(b200.usableMemoryGiB == 183_359.0 / 1024 && b200.fp4TFLOPs == 9000)
    let gb200 = try #require(DeviceCatalog.device(named: "gb200"))
    #expect(gb200.devicesPerNode == 72 && gb200.fp4TFLOPs == 10_000)
    #expect(gb200.fp8TFLOPs == 5000 && gb200.hbmBandwidthGBps == 8000)
  }

  @Test func inlineDevice() throws {
    let scenario = try TestSupport.quickstart([
      "cluster.device={name: \"x\", memory_gb: 10, hbm_bandwidth_gbps: 100, bf16_tflops: 50,"
        + " intra_node_bandwidth_gbps: 20, inter_node_bandwidth_gbps: 5, devices_per_node: 2}"
    ])
    let device = try #require(scenario.cluster.device)
    #expect(device.fp8TFLOPs == nil)
    #expect(device.flopsPerSecond(for: .fp8) == 50e12)
    #expect(scenario.cluster.devicesPerNode == 2)
  }

  @Test(arguments: [
    (
      "cluster.device=h300",
      "cluster.device = \"h300\" is out of range; allowed one of \"h100-sxm\", \"h800\", \"h200\", \"a100-sxm\", \"b200\", \"gb200\", \"mi300x\", \"tpu-v5p\", or an object"
    ),
    ("cluster.device={memory_gb: 1}", "cluster.device.hbm_bandwidth_gbps is required but missing"),
    (
      "cluster.placement={redundant_slots: 3}",
      "cluster.placement.redundant_slots = 3 is out of range; allowed a count making model.moe.experts + redundant_slots (= 19) a multiple of cluster.layout.ep = 4"
    ),
    (
      "cluster.placement={groups: 3}",
      "cluster.placement.groups = 3 is out of range; allowed a divisor of model.moe.experts = 16"
    ),
    (
      "cluster.placement={strategy: \"best\"}",
      "cluster.placement.strategy = \"best\" is out of range; allowed one of \"contiguous\", \"round_robin\", \"load_aware\", \"replicated\""
    ),
    (
      "cluster.devices_per_node=3",
      "cluster.devices_per_node = 3 is out of range; allowed a divisor of layout.ep = 4 when ep spans several nodes (with placement)"
    ),
    (
      "cluster.cost={overlap: 2}",
      "cluster.cost.overlap = 2 is out of range; allowed a finite number in [0, 1]"
    ),
  ])
  func invalidKeysAreRefused(override: String, message: String) {
    // Without a placement, devices_per_node need not divide ep.
    #expect(
      (try? TestSupport.quickstart(["cluster.layout={tp: 4, ep: 4}", "cluster.devices_per_node=3"]))
        != nil)
    do {
      _ = try TestSupport.quickstart([
        "cluster.layout={tp: 4, ep: 4}", "cluster.placement={}", override,
      ])
      Issue.record("accepted \(override)")
    } catch {
      #expect("\(error)".hasSuffix(message))
    }
  }
}
