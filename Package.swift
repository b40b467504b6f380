// swift-tools-version: 6.0
import PackageDescription

// The hot kernels are compiled three times: for the baseline of the architecture (portable, in
// MoESimKernels), for AVX2 + FMA (MoESimKernelsAVX2) and for AVX-512 (MoESimKernelsAVX512);
// MoESim picks one at run time from the CPU's features, so the default build is both portable
// and fast. All variants compute bit-identical results: the same operations in the same order,
// and fused multiply-adds, which IEEE 754 rounds once whether the hardware or the C library's
// `fmaf` computes them.
#if arch(x86_64)
  let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
  let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
  let avx512Flags: [SwiftSetting] = []
  let avx2Flags: [SwiftSetting] = []
#endif

let swift6: SwiftSetting = .swiftLanguageMode(.v6)

let package = Package(
  name: "MoESim",
  products: [
    .library(name: "MoESim", targets: ["MoESim"]),
    .executable(name: "moesim", targets: ["moesim"]),
  ],
  targets: [
    .target(name: "MoESimKernels", swiftSettings: [swift6]),
    .target(
      name: "MoESimKernelsAVX512", dependencies: ["MoESimKernels"],
      swiftSettings: [swift6] + avx512Flags),
    .target(
      name: "MoESimKernelsAVX2", dependencies: ["MoESimKernels"],
      swiftSettings: [swift6] + avx2Flags),
    .target(
      name: "MoESim", dependencies: ["MoESimKernels", "MoESimKernelsAVX2", "MoESimKernelsAVX512"],
      swiftSettings: [swift6]),
    .executableTarget(name: "moesim", dependencies: ["MoESim"], swiftSettings: [swift6]),
    .testTarget(
      name: "MoESimTests",
      dependencies: ["MoESim", "MoESimKernels"],
      resources: [.copy("Fixtures")],
      swiftSettings: [swift6]
    ),
  ]
)
