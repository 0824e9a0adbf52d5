#if canImport(Glibc)
import Glibc
#endif

/// Facts about the machine, read once.
public enum SystemInfo {
    /// Online processors (sysconf(_SC_NPROCESSORS_ONLN)).
    public static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Physical memory in bytes (sysconf pages × page size); 1 GiB when unknown.
    public static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : 1 << 30
    }()
}
