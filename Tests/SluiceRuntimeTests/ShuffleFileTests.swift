#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
@testable import SluiceExec
import Testing
@testable import SluiceRuntime

@Suite struct ShuffleFileTests {
    /// A chunk of `rows` BIGINT values starting at `start`, and a STRING column of their text.
    func chunk(_ start: Int, rows: Int) -> Chunk {
        let values = (start..<(start + rows)).map(Int64.init)
        return Chunk(columns: [Column(type: .bigint, storage: .int64(values)),
                               Column(type: .string, storage: .string(StringArray(values.map { "user-\($0 % 97)" })))], count: rows)
    }

    func values(_ refs: [ShuffleFileRef]) throws -> [Int64] {
        var reader = ShuffleChunkReader(refs)
        defer { reader.close() }
        var out: [Int64] = []
        while let c = try reader.next() {
            guard case .int64(let v) = c.columns[0].storage else { return [] }
            out += v
        }
        return out
    }

    /// Writes 3 partitions, chunk `i` to partition `i % 3`, and returns the ranges.
    func write(_ path: String, compressed: Bool) throws -> ([[ShuffleRange]], ShuffleFileWriter) {
        let writer = try ShuffleFileWriter(path: path, partitions: 3, compressionLevel: compressed ? 1 : nil)
        for i in 0..<300 { try writer.append(chunk(i * 1000, rows: 1000), partition: i % 3) }
        return (try writer.finish(), writer)
    }

    func expected(_ p: Int) -> [Int64] {
        stride(from: p, to: 300, by: 3).flatMap { i in (0..<1000).map { Int64(i * 1000 + $0) } }
    }

    @Test(arguments: [false, true])
    func partitionsReadBackInTheOrderWritten(compressed: Bool) throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let path = dir.path + "/shuffle-1"
        let (ranges, writer) = try write(path, compressed: compressed)
        #expect(ranges.count == 3)
        for p in 0..<3 {
            #expect(try values([ShuffleFileRef(path: path, ranges: ranges[p])]) == expected(p))
        }
        // Ranges tile the file: nothing written twice, nothing lost.
        let all = ranges.joined().sorted { $0.offset < $1.offset }
        var end: Int64 = 0
        for r in all {
            #expect(r.offset == end)
            end += r.length
        }
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(Int64(st.st_size) == end && end == writer.bytes)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(writer.chunks == 300)
        if compressed {
            #expect(all.allSatisfy { $0.rawLength != nil })
            #expect(writer.rawBytes > 2 * writer.bytes)
        } else {
            #expect(all.allSatisfy { $0.rawLength == nil })
            #expect(writer.rawBytes == writer.bytes)
        }
        // Two maps' files for one reduce partition read one after the other.
        let other = dir.path + "/shuffle-2"
        let (ranges2, _) = try write(other, compressed: !compressed)
        #expect(try values([ShuffleFileRef(path: path, ranges: ranges[1]), ShuffleFileRef(path: other, ranges: ranges2[1])])
                == expected(1) + expected(1))
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let path = dir.path + "/shuffle-7"
        _ = try write(path, compressed: false)
        #expect(throws: IOError.self) { try ShuffleFileWriter(path: path, partitions: 1) }
        do {
            _ = try ShuffleFileWriter(path: path, partitions: 1)
        } catch {
            #expect(error.description == "cannot create '\(path)': File exists")
        }
    }

    @Test func aDamagedRangeIsAnErrorNotAShortRead() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let path = dir.path + "/shuffle-3"
        let (ranges, _) = try write(path, compressed: false)
        // One flipped byte inside partition 0's first range.
        let fd = open(path, O_WRONLY)
        var byte: UInt8 = 0xFF
        #expect(pwrite(fd, &byte, 1, off_t(ranges[0][0].offset + 100)) == 1)
        close(fd)
        #expect(throws: ShuffleFileError.self) { try values([ShuffleFileRef(path: path, ranges: ranges[0])]) }
        // Partitions elsewhere in the file still read.
        #expect(try values([ShuffleFileRef(path: path, ranges: ranges[2])]) == expected(2))
        // A range past the end of the file.
        let past = ShuffleRange(offset: 1 << 30, length: 16, rawLength: nil)
        do {
            _ = try values([ShuffleFileRef(path: path, ranges: [past])])
            Issue.record("a range past the end read")
        } catch {
            #expect("\(error)" == "shuffle file '\(path)' is damaged: ends inside a range (1073741824+16)")
        }
        // A file that is gone.
        unlink(path)
        do {
            _ = try values([ShuffleFileRef(path: path, ranges: ranges[0])])
            Issue.record("a missing file read")
        } catch let e as IOError {
            #expect(e.description == "cannot open the shuffle file '\(path)': No such file or directory")
            #expect(e.exitStatus == .software)
        }
    }

    @Test func abandoningRemovesTheFile() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let path = dir.path + "/shuffle-4"
        let writer = try ShuffleFileWriter(path: path, partitions: 2)
        try writer.append(chunk(0, rows: 10), partition: 1)
        writer.abandon()
        #expect(access(path, F_OK) != 0)
    }

    @Test func aStoreBufferOfShuffleRangesReadsThroughAndRemovesTheFileWithItsLastBuffer() throws {
        let dir = try ScratchDirectory()
        defer { try? dir.remove() }
        let path = dir.path + "/shuffle-5"
        let (ranges, _) = try write(path, compressed: true)
        let store = ChunkStore(spill: nil, budgetBytes: 1)
        let buffers = (0..<3).map { _ in store.makeBuffer() }
        do {
            let file = ScratchFile(path: path)
            for p in 0..<3 { store.append(file, ranges[p], to: buffers[p]) }
        }
        #expect(store.shuffleRefs([buffers[0], buffers[2]]) == [ShuffleFileRef(path: path, ranges: ranges[0]),
                                                              ShuffleFileRef(path: path, ranges: ranges[2])])
        #expect(store.bytesInMemory == 0)
        var read: [Int64] = []
        try store.chunks(buffers[1]).each { c in
            guard case .int64(let v) = c.columns[0].storage else { return false }
            read += v
            return true
        }
        #expect(read == expected(1))
        // A buffer that also holds chunks in memory travels as frames instead.
        let mixed = store.makeBuffer()
        try store.append(chunk(0, rows: 5), to: mixed)
        #expect(store.shuffleRefs([buffers[0], mixed]) == nil)
        store.drop(buffers[0])
        store.drop(buffers[1])
        #expect(access(path, F_OK) == 0)
        store.drop(buffers[2])
        #expect(access(path, F_OK) != 0)
    }

    @Test func progressReportsRoundTrip() {
        let r = ProgressReport(attempt: 12, rows: 9_000_000_123, bytes: 758_406_322)
        #expect(r.payload.count == 24)
        #expect(ProgressReport(r.payload) == r)
        #expect(ProgressReport(Array(r.payload.dropLast())) == nil)
    }
}
