#if canImport(Glibc)
import Glibc
#endif

/// Facts about the machine, read once.
public enum SystemInfo {
    /// Online processors (sysconf(_SC_NPROCESSORS_ONLN)).
    public static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
