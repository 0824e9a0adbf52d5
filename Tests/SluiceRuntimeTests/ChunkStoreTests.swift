#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SluiceCore
import Synchronization
@testable import SluiceExec
import Testing
@testable import SluiceRuntime

@Suite struct ChunkStoreTests {
    /// A chunk of `rows` BIGINT values starting at `start`.
    func chunk(_ start: Int, rows: Int = 1000) -> Chunk {
        Chunk(columns: [Column(type: .bigint, storage: .int64((start..<(start + rows)).map(Int64.init)))], count: rows)
    }

    func values(_ store: ChunkStore, _ id: ChunkStore.BufferID) throws -> [Int64] {
        var out: [Int64] = []
        try store.chunks(id).each { c in
            guard case .int64(let v) = c.columns[0].storage else { return false }
            out += v
            return true
        }
        return out
    }

    func files(in dir: ScratchDirectory) -> Int {
        (try? FileSystem.listDirectory(dir.path).count) ?? -1
    }

    @Test func withoutABudgetEverythingStaysInMemory() throws {
        let store = ChunkStore(spill: nil, budgetBytes: 1)
        let a = store.makeBuffer()
        for i in 0..<10 { try store.append(chunk(i * 1000), to: a) }
        #expect(try values(store, a) == (0..<10_000).map(Int64.init))
        #expect(store.bytesInMemory == 80_000)
        store.drop(a)
        #expect(store.bytesInMemory == 0)
    }

    @Test func overBudgetBuffersSpillAndReadBackInOrder() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let spill = SpillContext(scratch: dir, budgetBytes: 20_000, zstdLevel: 1)
        let store = ChunkStore(spill: spill, budgetBytes: 20_000)
        let a = store.makeBuffer(), b = store.makeBuffer()
        // Interleaved appends: each buffer ends up as files and a tail in memory.
        for i in 0..<20 {
            try store.append(chunk(i * 1000), to: a)
            try store.append(chunk(100_000 + i * 1000, rows: 500), to: b)
        }
        #expect(store.bytesInMemory <= 20_000 + 8_000)
        #expect(spill.stats.byKind["shuffle"] ?? 0 > 0)
        #expect(files(in: dir) == spill.stats.files)
        #expect(try values(store, a) == (0..<20_000).map(Int64.init))
        #expect(try values(store, b) == (0..<20).flatMap { i in (0..<500).map { Int64(100_000 + i * 1000 + $0) } })
        // Reading does not consume: a second reader sees the same rows.
        #expect(try values(store, a).count == 20_000)
        store.drop(a)
        store.drop(b)
        #expect(files(in: dir) == 0)
        #expect(store.bytesInMemory == 0)
    }

    @Test func buffersKeepTheirOrderWhenOtherThreadsSpillThem() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let spill = SpillContext(scratch: dir, budgetBytes: 4096, zstdLevel: 1)
        let store = ChunkStore(spill: spill, budgetBytes: 4096)
        let ids = (0..<4).map { _ in store.makeBuffer() }
        let failed = Mutex(false)
        // Each thread appends to its own buffer; any thread may spill any buffer.
        DispatchQueue.concurrentPerform(iterations: ids.count) { t in
            for i in 0..<200 {
                do { try store.append(chunk(t * 1_000_000 + i * 100, rows: 100), to: ids[t]) } catch { failed.withLock { $0 = true } }
            }
        }
        #expect(!failed.withLock { $0 })
        for (t, id) in ids.enumerated() {
            #expect(try values(store, id) == (0..<20_000).map { Int64(t * 1_000_000 + $0) })
        }
    }

    @Test func aFinishedBufferReadWhileAnotherThreadSpillsItLosesNoRow() throws {
        // Thread mode: a task reads a finished stage's buffer (a join's build partition)
        // while another task's append picks that buffer, the largest, to spill. Whenever
        // the read starts, before, during or after the write, it sees every row.
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        var short = 0
        for _ in 0..<100 {
            let spill = SpillContext(scratch: dir, budgetBytes: 100_000, zstdLevel: 1)
            let store = ChunkStore(spill: spill, budgetBytes: 100_000)
            let finished = store.makeBuffer(), growing = store.makeBuffer()
            for i in 0..<11 { try store.append(chunk(i * 1000), to: finished) }
            let counts = Mutex([Int]())
            DispatchQueue.concurrentPerform(iterations: 2) { t in
                if t == 0 {
                    try? store.append(chunk(0, rows: 2000), to: growing)
                } else {
                    // Start reading once the append has taken the buffer out of memory,
                    // while it is being written (bounded, should both run on one thread).
                    var spins = 0
                    while store.bytesInMemory > 50_000 && spins < 20_000_000 { spins += 1 }
                    let n = (try? values(store, finished).count) ?? -1
                    counts.withLock { $0.append(n) }
                }
            }
            if counts.withLock({ $0 }) != [11_000] { short += 1 }
            #expect(try values(store, finished).count == 11_000)
        }
        #expect(short == 0, "\(short) of 100 reads missed rows")
    }

    @Test func aDamagedSpillFileIsAnErrorNotAShortRead() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let spill = SpillContext(scratch: dir, budgetBytes: 4096, zstdLevel: 1)
        let store = ChunkStore(spill: spill, budgetBytes: 4096)
        let a = store.makeBuffer()
        for i in 0..<4 { try store.append(chunk(i * 1000), to: a) }
        let name = try #require(try FileSystem.listDirectory(dir.path).sorted().first)
        #expect(truncate(dir.path + "/" + name, 20) == 0)
        #expect(throws: SpillError.self) { try values(store, a) }
    }
}
