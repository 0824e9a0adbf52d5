#if canImport(Glibc)
import Glibc
#endif

/// How a candidate behaves when another coordinator holds the lease.
public enum LeaseWait: Sendable, Equatable {
    /// Exit with 75 as soon as the holder is known to be alive (at once on this host; on
    /// another, once its record changes; a record that stays unchanged for a whole lease is
    /// taken over).
    case noWait
    /// Stand by and take over when the lease expires or is released; give up with 75
    /// after `timeout` seconds, if given.
    case wait(timeout: Double?)
}

/// The lease lengths of a run (`sluice.lease.*`).
public struct LeaseTiming: Sendable {
    /// A record unchanged for this long has expired.
    public var duration: Double
    /// A holder that has not renewed for this long starts no task, will not commit, and
    /// gives the lease up.
    public var renewDeadline: Double
    /// How often the holder renews.
    public var retryPeriod: Double

    public init(settings: Settings) throws {
        duration = settings.seconds("sluice.lease.duration")
        renewDeadline = settings.seconds("sluice.lease.renewDeadline")
        retryPeriod = settings.seconds("sluice.lease.retryPeriod")
        guard retryPeriod < renewDeadline, renewDeadline < duration else {
            throw SettingsError.invalid(key: "sluice.lease.renewDeadline", value: settings.string("sluice.lease.renewDeadline"),
                                        expected: "a duration between sluice.lease.retryPeriod (\(settings.string("sluice.lease.retryPeriod"))) and sluice.lease.duration (\(settings.string("sluice.lease.duration")))")
        }
    }
}

/// A held lease: the coordinator's right to run a job and publish its output, in the
/// manner of Chubby. The epoch is the fencing token. A thread renews the record every
/// retry period; a holder that misses the renew deadline, or sees a higher epoch, has
/// lost the lease for good, and every later ``check()`` throws.
public final class Lease: @unchecked Sendable {
    public let path: String
    public let epoch: Int
    /// Names this lease in the staging directories it fences (`.sluice-staging-<epoch>-<tag>`):
    /// the CRC-32C of the lease directory's real path, so that epochs of different leases
    /// are never compared.
    public let tag: String
    /// The host and boot the holder presents.
    public let host: HostIdentity
    let directory: LeaseDirectory
    let timing: LeaseTiming
    private var record: LeaseRecord
    private let lock = PthreadMutex()
    /// The monotonic time at which the last successful renewal started.
    private var lastRenewed: UInt64
    private var lostReason: String?
    private var stopping = false
    private var renewerRunning = false
    private let log: @Sendable (String) -> Void

    private init(directory: LeaseDirectory, record: LeaseRecord, timing: LeaseTiming, host: HostIdentity, renewed: UInt64,
                 log: @escaping @Sendable (String) -> Void) {
        self.path = directory.path
        self.epoch = record.epoch
        self.host = host
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(directory.path, &resolved) != nil
            ? String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : directory.path
        self.tag = CRC32C.hex(CRC32C.checksum(real))
        self.directory = directory
        self.record = record
        self.timing = timing
        self.lastRenewed = renewed
        self.log = log
    }

    /// Becomes the coordinator of the job whose lease is at `path`: the next epoch, once
    /// the directory is free, released, or its holder expired. With `.noWait`, a live
    /// holder ends the attempt with ``LeaseHeldError``.
    public static func acquire(path: String, job: String, settings: Settings, wait: LeaseWait,
                               log: @escaping @Sendable (String) -> Void) throws -> Lease {
        let timing = try LeaseTiming(settings: settings)
        let directory = LeaseDirectory(path: path)
        try directory.prepare()
        let me = HostIdentity.current(settings: settings)
        let identity = ProcessIdentity.current
        let holder = "\(me.host):\(identity.pid):" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let observer = LeaseObserver(directory: directory, me: me, leaseSeconds: timing.duration)
        let started = monotonicNanos()
        var announced = false
        while true {
            let view = try observer.look()
            switch view.state {
            case .free, .released, .expired:
                let now = monotonicNanos()
                let record = LeaseRecord(epoch: view.epoch + 1, holder: holder, host: me.host, bootID: me.bootID, pid: identity.pid,
                                         startTime: identity.startTime, renewals: 0, leaseMillis: Int(timing.duration * 1000),
                                         monotonicNanos: now, wallSeconds: wallSeconds(), job: job, released: false)
                guard try directory.create(record.epoch, try record.encoded()) else { continue }
                if view.state == .expired {
                    log("took over the lease at \(path) as epoch \(record.epoch): epoch \(view.epoch) expired (\(view.reason))")
                }
                directory.prune(below: record.epoch)
                let lease = Lease(directory: directory, record: record, timing: timing, host: me, renewed: now, log: log)
                lease.startRenewing()
                return lease
            case .held, .unknown:
                let waited = Double(monotonicNanos() - started) / 1e9
                switch wait {
                case .noWait:
                    if view.live { throw LeaseHeldError(path: path, view: view, waited: nil) }
                    if !announced {
                        announced = true
                        log("watching the lease at \(path) for up to \(LeaseObserver.seconds(timing.duration)): \(view.record?.summary ?? "epoch \(view.epoch)"), \(view.reason); it is taken over if it does not change")
                    }
                case .wait(let timeout):
                    if let timeout, waited >= timeout { throw LeaseHeldError(path: path, view: view, waited: waited) }
                    if !announced {
                        announced = true
                        log("waiting for the lease at \(path): \(view.record?.summary ?? "epoch \(view.epoch)"), \(view.reason)")
                    }
                }
            }
            usleep(100_000)
        }
    }

    /// Throws ``LeaseLostError`` once the lease is lost: a higher epoch was seen, or the
    /// last renewal is older than the renew deadline. Cheap: no I/O.
    public func check() throws {
        try lock.withLock {
            if lostReason == nil {
                let age = Double(monotonicNanos() - lastRenewed) / 1e9
                if age > timing.renewDeadline {
                    lostReason = "it was not renewed for \(LeaseObserver.seconds(age)) (sluice.lease.renewDeadline is \(LeaseObserver.seconds(timing.renewDeadline)))"
                }
            }
            if let lostReason { throw LeaseLostError(path: path, epoch: epoch, reason: lostReason) }
        }
    }

    /// ``check()``, and a look at the directory for a higher epoch: before a commit.
    public func verify() throws {
        try check()
        let top = (try? directory.topEpoch()) ?? epoch
        if top > epoch {
            lose("epoch \(top) took it over")
            try check()
        }
    }

    /// Stops renewing and marks the record released, so that the next run need not wait.
    /// A lost lease is left alone: it is somebody else's now.
    public func release() {
        let wasLost: Bool = lock.withLock { stopping = true; return lostReason != nil }
        while lock.withLock({ renewerRunning }) { usleep(10_000) }
        guard !wasLost, (try? directory.topEpoch()) == epoch else { return }
        var r = lock.withLock { record }
        r.released = true
        r.renewals += 1
        r.monotonicNanos = monotonicNanos()
        r.wallSeconds = wallSeconds()
        if let bytes = try? r.encoded() { try? directory.rewrite(epoch, bytes) }
    }

    private func lose(_ reason: String) {
        lock.withLock { if lostReason == nil { lostReason = reason } }
    }

    private func startRenewing() {
        lock.withLock { renewerRunning = true }
        Thread.detach { [self] in
            defer { lock.withLock { renewerRunning = false } }
            var next = monotonicNanos() + UInt64(timing.retryPeriod * 1e9)
            var warned = false
            while true {
                while monotonicNanos() < next {
                    if lock.withLock({ stopping }) { return }
                    usleep(20_000)
                }
                let attempt = monotonicNanos()
                next = attempt + UInt64(timing.retryPeriod * 1e9)
                if (try? check()) == nil { return }
                if let top = try? directory.topEpoch(), top > epoch {
                    lose("epoch \(top) took it over")
                    return
                }
                var r = lock.withLock { record }
                r.renewals += 1
                r.monotonicNanos = attempt
                r.wallSeconds = wallSeconds()
                do {
                    try directory.rewrite(epoch, try r.encoded())
                    lock.withLock {
                        record = r
                        lastRenewed = attempt
                    }
                    warned = false
                } catch {
                    if !warned { log("could not renew the lease at \(path): \(error)") }
                    warned = true
                }
            }
        }
    }
}

/// Wall-clock seconds since 1970, for records and reports only.
func wallSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Another live coordinator holds the job's lease (exit 75: try later).
public struct LeaseHeldError: SluiceError {
    public var path: String
    public var view: LeaseView
    /// Seconds waited with `--wait --wait-timeout`; nil with `--no-wait`.
    public var waited: Double?
    public var exitStatus: ExitStatus { .tempFail }
    public var description: String {
        let who = view.record?.summary ?? "epoch \(view.epoch) (\(view.reason))"
        if let waited {
            return "the job's lease at \(path) is still held after waiting \(LeaseObserver.seconds(waited)) (--wait-timeout): \(who), \(view.reason). This run did nothing; try again later"
        }
        let how = view.state == .unknown ? view.reason + ", and it changed while watched" : view.reason
        return "the job's lease at \(path) is held by a live coordinator: \(who), \(how). This run did nothing (--no-wait); it ends with 75 so that cron tries again later, or use --wait to stand by and take over"
    }
}

/// The coordinator lost its lease while running (exit 75): it starts nothing more and
/// publishes nothing; the location keeps what the new holder writes.
public struct LeaseLostError: SluiceError {
    public var path: String
    public var epoch: Int
    public var reason: String
    public var exitStatus: ExitStatus { .tempFail }
    public var description: String {
        "lost the lease at \(path) (epoch \(epoch)): \(reason). This run stops and publishes nothing; the new coordinator finishes the job"
    }
}
