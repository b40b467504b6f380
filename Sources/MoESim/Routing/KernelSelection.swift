import Foundation
import MoESimKernels
import MoESimKernelsAVX512

extension KernelSet {
  /// The fastest kernel variant this CPU runs: AVX-512 where `/proc/cpuinfo` lists the features
  /// the AVX-512 variant is compiled for, else the baseline. `MOESIM_KERNELS=baseline` forces the
  /// baseline. Every variant gives bit-identical results, so this choice changes speed only.
  public static let selected: KernelSet = {
    if ProcessInfo.processInfo.environment["MOESIM_KERNELS"] == "baseline" { return .baseline }
    return cpuSupportsAVX512 ? AVX512Kernels.set : .baseline
  }()

  /// Every variant this CPU can run, baseline first (for tests and `moesim bench`).
  public static var available: [KernelSet] {
    cpuSupportsAVX512 ? [.baseline, AVX512Kernels.set] : [.baseline]
  }

  /// Whether the CPU has the AVX-512 subsets of `-target-cpu skylake-avx512`.
  static let cpuSupportsAVX512: Bool = {
    #if arch(x86_64) && os(Linux)
      guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return false }
      let flags = Set(flagsLine.split(separator: " ").map(String.init))
      return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(
        flags.contains)
    #else
      return false
    #endif
  }()
}
