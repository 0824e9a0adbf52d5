// swift-tools-version: 6.1
import PackageDescription

// Micro benchmarks of sluice's hot paths, run with package-benchmark (`make bench-micro`).
// A package of its own so that the engine's package does not depend on the benchmark
// tooling: `swift build` and `make test` of sluice never build or resolve it.
let package = Package(
    name: "sluice-micro-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "sluice", path: "../.."),
        // Only the malloc interposer: no jemalloc, and no ARC runtime interposer.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        // The same pin as sluice's own (FileDescriptor for the pipe benchmark).
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
    ],
    targets: [
        // What the benchmarks share: the generated clickstream CSV, scratch directories,
        // and the cutting of inputs into workloads of one million bytes or rows.
        .target(
            name: "MicroBenchSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SluiceCore", package: "sluice"),
                .product(name: "SluiceCSV", package: "sluice"),
            ]
        ),
        benchmark("CSVParseBenchmarks", ["SluiceCSV"]),
        benchmark("ChunkCodecBenchmarks", ["SluiceCore"]),
        benchmark("SpillBenchmarks", ["SluiceExec"]),
        benchmark("HashAggregateBenchmarks", ["SluiceExec"]),
        benchmark(
            "PipeTransferBenchmarks", ["SluiceRuntime"],
            extra: [.product(name: "SystemPackage", package: "swift-system")]
        ),
    ]
)

/// A benchmark executable as package-benchmark wants it: sources in
/// `Benchmarks/<name>/`, the `Benchmark` library, and the plugin that generates `main`.
func benchmark(_ name: String, _ sluiceProducts: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            "MicroBenchSupport",
        ] + sluiceProducts.map { .product(name: $0, package: "sluice") } + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
