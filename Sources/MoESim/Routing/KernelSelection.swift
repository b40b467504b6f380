import Foundation
import MoESimKernels
import MoESimKernelsAVX2
import MoESimKernelsAVX512

extension KernelSet {
  /// The fastest kernel variant this CPU runs: the last of `available`. `MOESIM_KERNELS=NAME`
  /// (`baseline`, `avx2`, `avx512`) picks an available variant by name. Every variant gives
  /// bit-identical results, so this choice changes speed only.
  public static let selected: KernelSet = {
    let variants = available
    if let name = ProcessInfo.processInfo.environment["MOESIM_KERNELS"],
      let forced = variants.first(where: { $0.name == name })
    {
      return forced
    }
    return variants[variants.count - 1]
  }()

  /// Every variant this CPU can run, slowest first: the baseline, then AVX2 + FMA and AVX-512
  /// where `/proc/cpuinfo` lists the features their `-target-cpu` assumes.
  public static var available: [KernelSet] {
    var variants: [KernelSet] = [.baseline]
    if cpuFlags.isSuperset(of: ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"]) {
      variants.append(AVX2Kernels.set)
      // skylake-avx512 also assumes every haswell feature checked above.
      if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) {
        variants.append(AVX512Kernels.set)
      }
    }
    return variants
  }

  /// The CPU feature flags of `/proc/cpuinfo` (empty elsewhere than x86-64 Linux).
  static let cpuFlags: Set<String> = {
    #if arch(x86_64) && os(Linux)
      guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return [] }
      return Set(flagsLine.split(separator: " ").map(String.init))
    #else
      return []
    #endif
  }()
}
