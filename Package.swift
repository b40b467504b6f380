// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "MoESim",
  products: [
    .library(name: "MoESim", targets: ["MoESim"]),
    .executable(name: "moesim", targets: ["moesim"]),
  ],
  targets: [
    .target(
      name: "MoESim",
      swiftSettings: [.swiftLanguageMode(.v6)]
    ),
    .executableTarget(
      name: "moesim",
      dependencies: ["MoESim"],
      swiftSettings: [.swiftLanguageMode(.v6)]
    ),
    .testTarget(
      name: "MoESimTests",
      dependencies: ["MoESim"],
      resources: [.copy("Fixtures")],
      swiftSettings: [.swiftLanguageMode(.v6)]
    ),
  ]
)
