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

/// A process as another process can recognise it later: its pid and the time it started
/// (field 22 of `/proc/<pid>/stat`, in clock ticks since boot), so that a pid reused by a
/// new process is not mistaken for the old one.
public struct ProcessIdentity: Codable, Sendable, Equatable {
    public var pid: Int32
    public var startTime: UInt64

    /// This process.
    public static let current = ProcessIdentity(pid: getpid(), startTime: startTime(of: getpid()) ?? 0)

    /// Whether this very process still runs: the pid exists, started at the same time, and
    /// is not a zombie (killed, not yet reaped by its parent: it will never act again).
    public var isAlive: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let (state, now) = Self.stat(of: pid) else { return false }
        return now == startTime && state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    /// The start time of `pid`, or nil when there is no such process.
    public static func startTime(of pid: Int32) -> UInt64? { stat(of: pid)?.startTime }

    /// The state letter (field 3) and start time (field 22) of `/proc/<pid>/stat`.
    static func stat(of pid: Int32) -> (state: UInt8, startTime: UInt64)? {
        guard let bytes = try? FileSystem.readFile("/proc/\(pid)/stat") else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count the
        // fields after its closing parenthesis.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19, let state = fields[0].first,
              let start = UInt64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        return (state, start)
    }

    /// `pid start-time`, as stored in files.
    public var text: String { "\(pid) \(startTime)" }

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    public init?(text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { return nil }
        self.init(pid: pid, startTime: start)
    }
}

extension SystemInfo {
    /// Raises this process's soft limit on open files to its hard limit (getrlimit(2),
    /// setrlimit(2)), as many servers do at start: a write task keeps a file open per
    /// partition (up to `sluice.output.maxOpenFiles`), and the soft limit is often 1024.
    /// Worker processes inherit the raised limit. Returns the soft limit in force.
    @discardableResult
    public static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
