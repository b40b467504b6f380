// swift-tools-version: 6.0
import PackageDescription

// The hot kernels are compiled twice: once for the baseline of the architecture (portable, in
// MoESimKernels) and once for AVX-512 (MoESimKernelsAVX512); MoESim picks one at run time from
// the CPU's features, so the default build is both portable and fast. Both variants compute
// bit-identical results (no fused multiply-add, the same summation order).
#if arch(x86_64)
  let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
  let avx512Flags: [SwiftSetting] = []
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
      name: "MoESim", dependencies: ["MoESimKernels", "MoESimKernelsAVX512"],
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
