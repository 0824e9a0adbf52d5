#if canImport(Glibc)
import Glibc
#endif

/// What the holder of a lease writes into its epoch file, and rewrites every retry
/// period: who holds it, where, since when, and for how long a silent record stays valid.
///
/// `monotonicNanos` is the holder's `CLOCK_MONOTONIC` at the write. It means something only
/// to an observer on the same host and boot (the same clock); others judge expiry by
/// watching the record change, never by a clock of the holder's.
public struct LeaseRecord: Codable, Sendable, Equatable {
    public var version = 1
    public var epoch: Int
    /// `<host>:<pid>:<random>`, unique per acquisition.
    public var holder: String
    public var host: String
    public var bootID: String
    public var pid: Int32
    /// The holder's start time in clock ticks since boot (`/proc/<pid>/stat`), so that a
    /// reused pid is not taken for the holder.
    public var startTime: UInt64
    /// Rewrites since the acquisition.
    public var renewals: Int
    /// How long an observer waits, the record unchanged, before it counts as expired.
    public var leaseMillis: Int
    public var monotonicNanos: UInt64
    /// Wall-clock seconds since 1970 at the write: shown by `lease status`, never trusted.
    public var wallSeconds: Double
    /// The job file, for messages.
    public var job: String
    /// Set when the holder let go of the lease at the end of its run.
    public var released: Bool

    /// `held by host:pid:...` text for messages: who, where, which epoch.
    public var summary: String {
        "epoch \(epoch), held by pid \(pid) on \(host) (holder \(holder), job \(job))"
    }

    func encoded() throws -> [UInt8] { try ChecksummedJSON.encode(self) }

    static func decode(_ bytes: [UInt8]) -> LeaseRecord? {
        guard let r = ChecksummedJSON.decode(LeaseRecord.self, bytes), r.version == 1, r.epoch > 0 else { return nil }
        return r
    }
}

/// The host and boot a lease holder runs on: two processes with the same of both share a
/// process table and a monotonic clock.
public struct HostIdentity: Sendable, Equatable {
    public var host: String
    public var bootID: String

    /// This machine: gethostname(2) and `/proc/sys/kernel/random/boot_id`. Tests may
    /// present another host (`sluice.test.host`, `sluice.test.bootId`).
    public static func current(settings: Settings) -> HostIdentity {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
        let boot = (try? FileSystem.readFile("/proc/sys/kernel/random/boot_id")).flatMap { $0 }
            .map { String(decoding: $0, as: UTF8.self).trimmingSpaces() } ?? "unknown-boot"
        let testHost = settings.string("sluice.test.host"), testBoot = settings.string("sluice.test.bootId")
        return HostIdentity(host: testHost.isEmpty ? host : testHost, bootID: testBoot.isEmpty ? boot : testBoot)
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
