#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
@testable import SluiceRuntime
import Testing

@Suite struct CommitJournalTests {
    let journal = CommitJournal(runID: "6b0229f8aa01", aside: ["dt=2024-03-05"], publish: ["dt=2024-03-05", "dt=2024-03-06"], epoch: 7)

    @Test func roundTrip() throws {
        let bytes = try journal.encoded()
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("\ncrc32c=\(CRC32C.hex(CRC32C.checksum(Array(bytes[0..<(bytes.count - 17)]))))\n"))
        #expect(CommitJournal.decode(bytes) == journal)
    }

    /// A journal cut anywhere, or with any byte changed, is no journal: the commit it began
    /// is rolled back, never half replayed.
    @Test func truncatedOrCorruptIsRejected() throws {
        let bytes = try journal.encoded()
        for cut in 0..<(bytes.count - 1) {
            #expect(CommitJournal.decode(Array(bytes[0..<cut])) == nil, "cut at \(cut)")
        }
        for i in stride(from: 0, to: bytes.count - 10, by: 3) {
            var changed = bytes
            changed[i] ^= 0x01
            #expect(CommitJournal.decode(changed) == nil, "byte \(i) changed")
        }
        #expect(CommitJournal.decode([]) == nil)
    }

    @Test func processIdentity() throws {
        let me = ProcessIdentity.current
        #expect(me.pid == getpid())
        #expect(me.isAlive)
        #expect(ProcessIdentity(text: me.text) == me)
        // The same pid with another start time is another process (a reused pid).
        #expect(!ProcessIdentity(pid: me.pid, startTime: me.startTime + 1).isAlive)
        #expect(ProcessIdentity(text: "garbage") == nil)
    }
}
