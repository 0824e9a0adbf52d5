// swift-tools-version: 6.1
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceRuntime", targets: ["SluiceRuntime"]),
        .library(name: "SluiceCore", targets: ["SluiceCore"]),
        .library(name: "SluiceCSV", targets: ["SluiceCSV"]),
        .library(name: "SluiceExec", targets: ["SluiceExec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(name: "CSluiceShims"),
        .target(name: "SluiceCore", dependencies: ["CSluiceShims"], swiftSettings: optimize),
        .target(name: "SluiceCSV", dependencies: ["SluiceCore"], swiftSettings: optimize),
        .target(name: "SluiceSQL", dependencies: ["SluiceCore"], swiftSettings: optimize),
        .target(
            name: "SluiceExec",
            dependencies: ["SluiceCore", "SluiceCSV", "CZstd"],
            swiftSettings: optimize
        ),
        .target(
            name: "SluiceRuntime",
            dependencies: [
                "SluiceCore", "SluiceCSV", "SluiceSQL", "SluiceExec", "CSluiceShims",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: optimize
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimize
        ),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"]),
        .testTarget(name: "SluiceCSVTests", dependencies: ["SluiceCSV"]),
        .testTarget(name: "SluiceSQLTests", dependencies: ["SluiceSQL"]),
        .testTarget(name: "SluiceExecTests", dependencies: ["SluiceExec"]),
        .testTarget(name: "SluiceRuntimeTests", dependencies: ["SluiceRuntime"]),
    ]
)
