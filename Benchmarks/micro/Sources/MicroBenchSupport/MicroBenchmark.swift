import Benchmark

/// The conventions every micro benchmark here follows.
///
/// package-benchmark reports `throughput` as measured runs per second, labelled with the
/// scaling factor's unit (`.mega` prints "M"); the scaling factor does not divide anything.
/// So the figure is per byte or per row only when one measured run processes exactly
/// ``unitsPerRun`` of them. Each benchmark therefore cuts its input into workloads of one
/// million bytes (or rows) in its setup and measures one workload per run, cycling through
/// them (`benchmark.currentIteration`) so that the runs go through the whole input (32 MB
/// of CSV, say) rather than one megabyte that stays in the processor's caches:
///
/// ```
///  setup (not measured)                          each run (measured)
///  ────────────────────                          ───────────────────
///  generate ─> cut into workloads of 10^6 units ─> workloads[iteration % count] ─> blackHole
/// ```
///
/// The figure is an integer count of runs per second: a run of a millisecond gives
/// 1000 ± 0.5, precise enough, but a run of 60 ms (a million rows aggregated) gives 16 ± 0.5;
/// such benchmarks add a custom rate metric measured around the same code
/// (``measuredRate(_:_:)``), as do those that keep a workload at its natural size.
public enum MicroBenchmark {
    /// Bytes or rows one measured run processes: the `.mega` scaling factor.
    public static let unitsPerRun = BenchmarkScalingFactor.mega.rawValue

    /// A configuration with `throughput` per byte or row (`.mega`), wall clock per run and
    /// the allocations per run (the malloc interposer's count), plus `extra` printed in
    /// `units` (automatic units would print 23 M rows per second, not 23,412 K).
    public static func configuration(
        extra: [BenchmarkMetric] = [], units: [BenchmarkMetric: BenchmarkUnits] = [:]
    ) -> Benchmark.Configuration {
        .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal] + extra,
            units: units,
            warmupIterations: 4,
            scalingFactor: .mega,
            maxDuration: .seconds(2),
            maxIterations: 10_000
        )
    }
}

extension MicroBenchmark {
    /// For a workload kept at its natural size rather than cut to 10^6 units (a whole file,
    /// a table of a million groups): wall clock and allocations per run, and `rate`, a custom
    /// metric of units per second that the benchmark measures around the same code with
    /// ``measuredRate(_:_:)`` (package-benchmark's own `throughput` would be runs per
    /// second), printed in `units`.
    public static func wholeRunConfiguration(rate: BenchmarkMetric, units: BenchmarkUnits) -> Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .mallocCountTotal, rate],
            units: [rate: units],
            warmupIterations: 2,
            scalingFactor: .one,
            maxDuration: .seconds(3),
            maxIterations: 100
        )
    }

    /// A custom metric of units (bytes, rows) per second; more is better.
    public static func rate(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    /// Runs `body` between `benchmark.startMeasurement()` and `stopMeasurement()`, and records
    /// `units / elapsed seconds` as `rate`. `body` returns what must outlive the measurement
    /// (the freeing of a large table is not part of it) and the number of units it processed.
    public static func measuredRate<Kept>(
        _ benchmark: Benchmark, _ rate: BenchmarkMetric, _ body: () throws -> (kept: Kept, units: Int)
    ) rethrows {
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        let result = try body()
        let elapsed = start.duration(to: clock.now)
        withExtendedLifetime(result.kept) { benchmark.stopMeasurement() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(rate, Int((Double(result.units) / seconds).rounded()))
    }
}

/// A benchmark that cannot go on (its setup could not build or check its input, a run
/// found the pipe closed): the benchmark fails with this message.
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// A value made by a benchmark's setup that its teardown must also reach (teardown closures
/// get no setup state).
public final class Fixture<Value>: @unchecked Sendable {
    // Set by setup and cleared by teardown, both on the benchmark runner's one thread.
    public var value: Value?

    public init() {}

    /// Makes the value and keeps it for teardown.
    public func make(_ body: () throws -> Value) rethrows -> Value {
        let v = try body()
        value = v
        return v
    }
}
