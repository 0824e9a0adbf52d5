#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vectorised kernels behind the scalar functions of `FunctionCatalog`, looked up by
/// the canonical name and the exact types the binder resolved (so this module need not
/// know the catalog): every argument column arrives already cast to its parameter type.
///
/// ```
///  binder: FunctionCatalog.resolve("substring", [STRING, BIGINT])
///            → substr(STRING, INT) -> STRING, casts inserted
///  exec:   ScalarFunctions.kernel(name: "substr", argTypes: [STRING, INT], returnType: STRING)
///            → (args, count) throws -> Column
/// ```
public enum ScalarFunctions {
    /// The instant the run started, in microseconds since the epoch: what
    /// `current_timestamp()`, `current_date()` and `unix_timestamp()` return, the same for
    /// every row and every task. The runtime sets it once, before any task starts (and
    /// passes it to worker processes); until then it is the time of first use.
    nonisolated(unsafe) public static var runStart: Int64 = wallClockMicros()

    /// The kernel for `name` with these argument and result types, or `nil` when sluice has
    /// none (a binder/executor mismatch, reported by the caller as an internal error).
    public static func kernel(name: String, argTypes: [DataType], returnType: DataType) -> ScalarKernel? {
        StringFunctions.kernel(name, argTypes, returnType)
            ?? MathFunctions.kernel(name, argTypes, returnType)
            ?? DateFunctions.kernel(name, argTypes, returnType)
            ?? ConditionalFunctions.kernel(name, argTypes, returnType)
    }

    /// Every canonical function name that has a kernel.
    public static var names: [String] {
        (StringFunctions.names + MathFunctions.names + DateFunctions.names + ConditionalFunctions.names).sorted()
    }

    /// The current wall-clock time in microseconds since the epoch (`clock_gettime`).
    static func wallClockMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
