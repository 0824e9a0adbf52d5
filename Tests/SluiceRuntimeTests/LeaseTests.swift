#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
@testable import SluiceRuntime
import Testing

@Suite struct LeaseTests {
    /// A fresh lease directory path under /tmp (not created).
    static func directory() -> String {
        "/tmp/sluice-lease-test-\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    static func settings(_ pairs: [(String, String)] = []) throws -> Settings {
        var s = Settings()
        for (k, v) in [("sluice.lease.duration", "1s"), ("sluice.lease.renewDeadline", "600ms"), ("sluice.lease.retryPeriod", "100ms")] + pairs {
            try s.set(k, v)
        }
        return s
    }

    @Test func recordRoundTripsAndRejectsDamage() throws {
        let r = LeaseRecord(epoch: 3, holder: "h:1:ab", host: "h", bootID: "b", pid: 1, startTime: 2, renewals: 4, leaseMillis: 15000,
                            monotonicNanos: 5, wallSeconds: 6, job: "j.sql", released: false)
        let bytes = try r.encoded()
        #expect(LeaseRecord.decode(bytes) == r)
        for cut in stride(from: 0, to: bytes.count - 1, by: 7) { #expect(LeaseRecord.decode(Array(bytes[0..<cut])) == nil) }
        var changed = bytes
        changed[10] ^= 0x20
        #expect(LeaseRecord.decode(changed) == nil)
        #expect(LeaseRecord.decode([]) == nil)
    }

    @Test func epochFilesAreCreatedExclusively() throws {
        let d = LeaseDirectory(path: Self.directory())
        defer { try? FileSystem.removeTree(d.path) }
        try d.prepare()
        #expect(try d.topEpoch() == 0)
        #expect(try d.create(1, Array("a".utf8)))
        #expect(try !d.create(1, Array("b".utf8)))
        #expect(try d.read(1) == Array("a".utf8))
        try d.rewrite(1, Array("c".utf8))
        #expect(try d.read(1) == Array("c".utf8))
        #expect(try d.create(12, []))
        #expect(try d.topEpoch() == 12)
        // Only the two epoch files: no temporary file is left.
        #expect(try FileSystem.listDirectory(d.path).sorted() == ["epoch-1", "epoch-12"])
    }

    /// A live holder in this very process: a second candidate gets 75 at once; after the
    /// release, the next candidate takes the next epoch.
    @Test func heldThenReleased() throws {
        let path = Self.directory()
        defer { try? FileSystem.removeTree(path) }
        let s = try Self.settings()
        let first = try Lease.acquire(path: path, job: "j.sql", settings: s, wait: .noWait) { _ in }
        #expect(first.epoch == 1)
        #expect(throws: LeaseHeldError.self) { _ = try Lease.acquire(path: path, job: "j.sql", settings: s, wait: .noWait) { _ in } }
        // Renewals keep it held past a whole lease.
        usleep(1_300_000)
        try first.check()
        #expect(throws: LeaseHeldError.self) { _ = try Lease.acquire(path: path, job: "j.sql", settings: s, wait: .noWait) { _ in } }
        first.release()
        let second = try Lease.acquire(path: path, job: "j.sql", settings: s, wait: .noWait) { _ in }
        #expect(second.epoch == 2)
        // The lower epoch's file is pruned; the holder sees no higher epoch.
        try second.verify()
        #expect(try LeaseDirectory(path: path).numbers(LeaseDirectory.epochPrefix) == [2])
        second.release()
    }

    /// A holder that sees a higher epoch has lost the lease for good.
    @Test func aHigherEpochFencesTheHolder() throws {
        let path = Self.directory()
        defer { try? FileSystem.removeTree(path) }
        let lease = try Lease.acquire(path: path, job: "j.sql", settings: try Self.settings(), wait: .noWait) { _ in }
        #expect(try LeaseDirectory(path: path).create(2, Array("x".utf8)))
        #expect(throws: LeaseLostError.self) { try lease.verify() }
        #expect(throws: LeaseLostError.self) { try lease.check() }
        lease.release()
        // A lost lease is not marked released: the record of epoch 2 is left as it was.
        #expect(try LeaseDirectory(path: path).read(2) == Array("x".utf8))
    }

    /// A record from another host (or a corrupt one) is taken over only after it stayed
    /// unchanged for a whole lease on the observer's clock; the epoch still rises.
    @Test func anotherHostsOrACorruptRecordWaitsAWholeLease() throws {
        for content in [Array("garbage".utf8), []] {
            let path = Self.directory()
            defer { try? FileSystem.removeTree(path) }
            let d = LeaseDirectory(path: path)
            try d.prepare()
            #expect(try d.create(5, content))
            let started = monotonicNanos()
            let lease = try Lease.acquire(path: path, job: "j.sql", settings: try Self.settings(), wait: .wait(timeout: 5)) { _ in }
            #expect(Double(monotonicNanos() - started) / 1e9 >= 1.0)
            #expect(lease.epoch == 6)
            lease.release()
        }
        let path = Self.directory()
        defer { try? FileSystem.removeTree(path) }
        let other = try Lease.acquire(path: path, job: "j.sql", settings: try Self.settings([("sluice.test.host", "elsewhere")]), wait: .noWait) { _ in }
        // A live holder elsewhere renews: --no-wait sees the record change and gives up.
        #expect(throws: LeaseHeldError.self) { _ = try Lease.acquire(path: path, job: "j.sql", settings: try Self.settings(), wait: .noWait) { _ in } }
        other.release()
    }

    @Test func journalReadingStopsAtATornLine() throws {
        let a = JobJournal.line(.init(kind: .begin, epoch: 1, fingerprint: "f"))
        let b = JobJournal.line(.init(kind: .task, epoch: 1, fingerprint: "g", statement: 2, location: "out/t", task: 3, files: []))
        #expect(JobJournal.decode(a + b).map(\.kind) == [.begin, .task])
        #expect(JobJournal.decode(a + Array(b.dropLast(5))).map(\.kind) == [.begin])
        var corrupt = a + b
        corrupt[a.count + 12] ^= 1
        #expect(JobJournal.decode(corrupt).map(\.kind) == [.begin])
    }

    @Test func durations() {
        #expect(Settings.parseDuration("15s") == 15)
        #expect(Settings.parseDuration("500ms") == 0.5)
        #expect(Settings.parseDuration("2m") == 120)
        #expect(Settings.parseDuration("7") == 7)
        #expect(Settings.parseDuration("soon") == nil)
    }
}
