#if canImport(Glibc)
import Glibc
#endif

/// What an observer makes of a lease directory at one moment.
public enum LeaseState: String, Sendable, Codable {
    /// No epoch yet.
    case free
    /// A holder renews it, or may still.
    case held
    /// Its holder is gone, or has not renewed for a whole lease.
    case expired
    /// Its holder let go at the end of its run.
    case released
    /// The record is empty, truncated or corrupt: treated as held until it stays
    /// unchanged for a whole lease.
    case unknown
}

/// One look at the lease: the highest epoch, its record, and the verdict.
public struct LeaseView: Sendable {
    public var state: LeaseState
    public var epoch: Int
    public var record: LeaseRecord?
    /// Seconds since the holder's last renewal: exact on the holder's host and boot, else
    /// how long this observer has seen the record unchanged.
    public var age: Double
    /// Whether the holder is known to be alive: on this host its process runs and renews;
    /// elsewhere, the record changed while watched.
    public var live: Bool
    /// Why the state is what it is, for messages.
    public var reason: String
}

/// Judges a lease directory as Chubby's clients judge a master's lease: on the observer's
/// own monotonic clock. A record on another host (or boot) is expired only once this
/// observer has seen it unchanged for a whole lease; another host's clock is never read.
/// On the same host and boot the record's monotonic stamp is comparable, and a holder
/// whose process is gone (or whose pid now names another process) is dead at once.
final class LeaseObserver {
    let directory: LeaseDirectory
    let me: HostIdentity
    /// This observer's lease length, the least it waits on a record it cannot read.
    let leaseSeconds: Double
    private var watched: (epoch: Int, bytes: [UInt8], since: UInt64, changes: Int)?

    init(directory: LeaseDirectory, me: HostIdentity, leaseSeconds: Double) {
        self.directory = directory
        self.me = me
        self.leaseSeconds = leaseSeconds
    }

    func look() throws -> LeaseView {
        var epoch = try directory.topEpoch()
        var bytes: [UInt8]? = nil
        // An epoch file pruned between the listing and the read: list again.
        for _ in 0..<3 {
            if epoch == 0 { return LeaseView(state: .free, epoch: 0, record: nil, age: 0, live: false, reason: "no coordinator has held it yet") }
            bytes = try directory.read(epoch)
            if bytes != nil { break }
            epoch = try directory.topEpoch()
        }
        let now = monotonicNanos()
        let content = bytes ?? []
        if let w = watched, w.epoch == epoch {
            if w.bytes != content { watched = (epoch, content, now, w.changes + 1) }
        } else {
            watched = (epoch, content, now, 0)
        }
        let unchanged = Double(now - watched!.since) / 1e9
        let changed = watched!.changes > 0
        guard let r = LeaseRecord.decode(content), r.epoch == epoch else {
            if unchanged >= leaseSeconds {
                return LeaseView(state: .expired, epoch: epoch, record: nil, age: unchanged, live: false,
                                 reason: "its record cannot be read and stayed unchanged for \(Self.seconds(unchanged))")
            }
            return LeaseView(state: .unknown, epoch: epoch, record: nil, age: unchanged, live: changed,
                             reason: "its record is empty, truncated or corrupt")
        }
        let sameHost = r.host == me.host && r.bootID == me.bootID
        // On the holder's host and boot its monotonic stamp is comparable with ours.
        let age = sameHost && now > r.monotonicNanos ? Double(now - r.monotonicNanos) / 1e9 : 0
        if r.released {
            return LeaseView(state: .released, epoch: epoch, record: r, age: age, live: false, reason: "released by its holder")
        }
        let lease = Double(r.leaseMillis) / 1000
        if sameHost {
            guard ProcessIdentity(pid: r.pid, startTime: r.startTime).isAlive else {
                return LeaseView(state: .expired, epoch: epoch, record: r, age: age, live: false, reason: "its process \(r.pid) is gone")
            }
            if age >= lease {
                return LeaseView(state: .expired, epoch: epoch, record: r, age: age, live: false,
                                 reason: "its process \(r.pid) has not renewed it for \(Self.seconds(age))")
            }
            return LeaseView(state: .held, epoch: epoch, record: r, age: age, live: true, reason: "renewed \(Self.seconds(age)) ago")
        }
        if unchanged >= max(lease, leaseSeconds) {
            return LeaseView(state: .expired, epoch: epoch, record: r, age: unchanged, live: false,
                             reason: "its record on \(r.host) stayed unchanged for \(Self.seconds(unchanged))")
        }
        return LeaseView(state: .held, epoch: epoch, record: r, age: unchanged, live: changed,
                         reason: changed ? "renewed from \(r.host) while watched" : "watched for \(Self.seconds(unchanged)) so far")
    }

    static func seconds(_ s: Double) -> String {
        s < 10 ? String(Double(Int(s * 10)) / 10) + " s" : String(Int(s)) + " s"
    }
}

/// `sluice lease status`: one look at a lease directory.
public enum LeaseStatus {
    /// The state of the lease at `path`. On the holder's host the age is exact; for a holder
    /// on another host one look cannot judge expiry (that takes watching for a whole lease),
    /// so the age shown is the record file's modification time against this host's clock,
    /// marked as such (as for a record that cannot be read), and the state stays `held`
    /// until the holder releases it.
    public static func look(path: String, settings: Settings) throws -> (view: LeaseView, ageByFileTime: Bool) {
        guard try FileSystem.isDirectory(path) else {
            throw IOError("read the lease directory", path: path, errno: ENOENT, status: .noInput)
        }
        let directory = LeaseDirectory(path: path)
        let me = HostIdentity.current(settings: settings)
        let observer = LeaseObserver(directory: directory, me: me, leaseSeconds: settings.seconds("sluice.lease.duration"))
        var view = try observer.look()
        guard view.epoch > 0,
              view.record.map({ $0.host != me.host || $0.bootID != me.bootID }) ?? true,
              let st = try FileSystem.status(directory.epochPath(view.epoch)) else { return (view, false) }
        view.age = max(0, wallSeconds() - (Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9))
        return (view, true)
    }
}
