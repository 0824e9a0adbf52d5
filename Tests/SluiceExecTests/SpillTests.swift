#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SluiceExec

// MARK: - Helpers

/// A CSV-like chunk: ids, a few distinct countries and event types, amounts, dates,
/// timestamps, flags; NULLs in some columns.
private func eventsChunk(rows: Int, seed: Int) -> Chunk {
    let countries = ["DE", "FR", "US", "JP", "BR", "IN", "NG", "ÅL"]
    let events = ["click", "view", "purchase", "signup", "refund"]
    var id = ColumnBuilder(type: .bigint), country = ColumnBuilder(type: .string), event = ColumnBuilder(type: .string)
    var amount = ColumnBuilder(type: .double), dt = ColumnBuilder(type: .date), ts = ColumnBuilder(type: .timestamp)
    var flag = ColumnBuilder(type: .boolean)
    for r in 0..<rows {
        let k = seed * 1_000_003 + r
        id.append(int64: Int64(k))
        country.append(string: countries[(k * 7) % countries.count])
        event.append(string: events[(k * 13) % events.count])
        if k % 11 == 0 { amount.appendNull() } else { amount.append(double: Double((k * 37) % 100_000) / 100) }
        dt.append(int64: 19_700 + Int64(k % 30))
        if k % 17 == 0 { ts.appendNull() } else { ts.append(int64: 1_700_000_000_000_000 + Int64(k) * 1_000_123) }
        flag.append(bool: k % 3 == 0)
    }
    return Chunk(columns: [id, country, event, amount, dt, ts, flag].map { $0.finish() }, count: rows)
}

private func expectSame(_ a: Chunk, _ b: Chunk, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count && a.types == b.types, sourceLocation: sourceLocation)
    guard a.count == b.count, a.types == b.types else { return }
    for r in 0..<a.count where a.row(r) != b.row(r) {
        Issue.record("row \(r): \(a.row(r)) != \(b.row(r))", sourceLocation: sourceLocation)
        return
    }
}

/// A fresh scratch directory under the default base, removed when `body` returns.
private func withScratch(_ body: (ScratchDirectory) throws -> Void) throws {
    let dir = try ScratchDirectory()
    defer { try? dir.remove() }
    try body(dir)
}

private func readFile(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

private func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    defer { close(fd) }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

private func mode(_ path: String) -> mode_t {
    var st = stat()
    _ = lstat(path, &st)
    return st.st_mode & 0o7777
}

private func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
}

/// Reads every chunk; the error, if reading fails.
private func readAll(_ path: String, bufferSize: Int = 1 << 20) -> ([Chunk], SpillError?) {
    var chunks: [Chunk] = []
    do {
        let reader = try SpillFileReader(path: path, bufferSize: bufferSize)
        while let c = try reader.next() { chunks.append(c) }
        return (chunks, nil)
    } catch {
        return (chunks, error)
    }
}

/// A small finished spill file of two chunks; its bytes.
private func smallSpill(_ path: String) throws -> [UInt8] {
    let w = try SpillFileWriter(path: path, level: 1)
    try w.append(eventsChunk(rows: 5, seed: 1))
    try w.append(eventsChunk(rows: 3, seed: 2))
    try w.finish()
    return readFile(path)
}

// MARK: - zstd

@Suite struct SpillZstdTests {
    @Test func roundTrip() throws {
        let text = Array(String(repeating: "2024-03-05,DE,click,12.50\n", count: 2000).utf8)
        let packed = try text.withUnsafeBytes { try Zstd.compress($0, level: 1) }
        #expect(packed.count < text.count / 10)
        #expect(try packed.withUnsafeBytes { try Zstd.decompress($0, limit: text.count) } == text)
        let c = ZstdCompressor(level: 3), d = ZstdDecompressor()
        for n in [0, 1, 100, 70_000] {
            let src = Array(text.prefix(n))
            let frame = try src.withUnsafeBytes { try c.compress($0) }
            #expect(try frame.withUnsafeBytes { try d.decompress($0, limit: n) } == src)
        }
    }

    @Test func levels() {
        #expect(ZstdCompressor(level: 1).level == 1)
        #expect(ZstdCompressor(level: 1000).level == 22)
        #expect(ZstdCompressor(level: -1_000_000).level < 0)
        #expect(Zstd.version.hasPrefix("1."))
    }

    @Test func errors() throws {
        let garbage: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let e1 = #expect(throws: ZstdError.self) { try garbage.withUnsafeBytes { try Zstd.decompress($0, limit: 100) } }
        #expect(e1?.description == "zstd cannot decompress: not a zstd frame")
        #expect(e1?.exitStatus == .ioError)
        let frame = try Array(repeating: UInt8(7), count: 100).withUnsafeBytes { try Zstd.compress($0, level: 1) }
        let e2 = #expect(throws: ZstdError.self) { try frame.withUnsafeBytes { try Zstd.decompress($0, limit: 50) } }
        #expect(e2?.description == "zstd cannot decompress: the frame claims 100 bytes, more than the 50 expected")
        var out = [UInt8](repeating: 0, count: 99)
        let e3 = #expect(throws: ZstdError.self) {
            try frame.withUnsafeBytes { src in try out.withUnsafeMutableBytes { try ZstdDecompressor().decompress(src, into: $0) } }
        }
        #expect(e3?.description == "zstd cannot decompress: the frame holds 100 bytes, not the 99 expected")
        // A damaged body under an intact header.
        var damaged = frame
        damaged[damaged.count - 2] ^= 0xFF
        let e4 = #expect(throws: ZstdError.self) { try damaged.withUnsafeBytes { try Zstd.decompress($0, limit: 100) } }
        #expect(e4?.description.hasPrefix("zstd cannot decompress: ") == true)
    }
}

// MARK: - Scratch directories

@Suite struct SpillScratchDirectoryTests {
    @Test func createdPrivateAndFresh() throws {
        let base = try ScratchDirectory()
        defer { try? base.remove() }
        let dir = try ScratchDirectory(base: base.path)
        let name = String(dir.path.dropFirst(base.path.count + 1))
        #expect(name.hasPrefix("sluice-scratch-\(getpid())-"))
        #expect(name.count == "sluice-scratch-\(getpid())-".count + 16)
        #expect(ScratchDirectory.ownerPid(ofName: name) == getpid())
        #expect(mode(dir.path) == 0o700)
        #expect(mode(base.path) == 0o700)
        // Never reuse: the same name again is an error.
        let again = #expect(throws: IOError.self) { _ = try ScratchDirectory(base: base.path, name: name) }
        #expect(again?.description == "cannot create the scratch directory '\(dir.path)': File exists")
        let missing = #expect(throws: IOError.self) { _ = try ScratchDirectory(base: base.path + "/nope") }
        #expect(missing?.description.hasPrefix("cannot create the scratch directory '\(base.path)/nope/sluice-scratch-") == true)
        #expect(missing?.description.hasSuffix("': No such file or directory") == true)
        #expect(dir.newFilePath() == dir.path + "/spill-1.zst")
        #expect(dir.newFilePath(prefix: "run", suffix: "") == dir.path + "/run-2")
        // A trailing slash on the base is fine.
        let slash = try ScratchDirectory(base: base.path + "/")
        #expect(!slash.path.contains("//"))
    }

    @Test func removeDeletesEverythingButFollowsNoLinks() throws {
        let base = try ScratchDirectory()
        defer { try? base.remove() }
        let outside = base.path + "/outside"
        #expect(mkdir(outside, 0o700) == 0)
        writeFile(outside + "/keep.txt", [1, 2, 3])
        let dir = try ScratchDirectory(base: base.path)
        #expect(mkdir(dir.path + "/a", 0o700) == 0)
        #expect(mkdir(dir.path + "/a/b", 0o700) == 0)
        writeFile(dir.path + "/a/b/deep.bin", [0])
        writeFile(dir.path + "/top.bin", [0])
        #expect(symlink(outside, dir.path + "/link-to-outside") == 0)
        #expect(symlink(outside, dir.path + "/a/link2") == 0)
        #expect(mkdir(dir.path + "/locked", 0o000) == 0)
        try dir.remove()
        #expect(!exists(dir.path))
        #expect(readFile(outside + "/keep.txt") == [1, 2, 3])
        // Removing again is not an error.
        try dir.remove()
    }

    /// A pid no process has now.
    static func deadPid() -> pid_t {
        var pid: pid_t = 4_000_000
        while pid > 2 {
            if kill(pid, 0) != 0 && errno == ESRCH { return pid }
            pid -= 1
        }
        fatalError("no free pid")
    }

    @Test func removeStaleRemovesOnlyDeadProcessesDirectories() throws {
        let base = try ScratchDirectory()
        defer { try? base.remove() }
        let dead = Self.deadPid()
        let deadDir = base.path + "/sluice-scratch-\(dead)-00ff00ff00ff00ff"
        #expect(mkdir(deadDir, 0o700) == 0)
        #expect(mkdir(deadDir + "/sub", 0o700) == 0)
        writeFile(deadDir + "/sub/spill-1.zst", [1])
        let mine = try ScratchDirectory(base: base.path)
        let initDir = base.path + "/sluice-scratch-1-abc"   // pid 1 is always alive
        #expect(mkdir(initDir, 0o700) == 0)
        let deadFile = base.path + "/sluice-scratch-\(dead)-notadir"
        writeFile(deadFile, [1])
        for other in ["sluice-scratch-x-1", "sluice-scratch-\(dead)", "sluice-scratch-\(dead)-", "unrelated-\(dead)-1"] {
            #expect(mkdir(base.path + "/" + other, 0o700) == 0)
        }
        let removed = try ScratchDirectory.removeStale(base: base.path)
        #expect(removed == [deadDir])
        #expect(!exists(deadDir))
        for kept in [mine.path, initDir, deadFile] + ["sluice-scratch-x-1", "sluice-scratch-\(dead)", "sluice-scratch-\(dead)-", "unrelated-\(dead)-1"].map({ base.path + "/" + $0 }) {
            #expect(exists(kept), "\(kept)")
        }
        #expect(try ScratchDirectory.removeStale(base: base.path) == [])
    }

    @Test func ownerPid() {
        #expect(ScratchDirectory.ownerPid(ofName: "sluice-scratch-123-abc") == 123)
        #expect(ScratchDirectory.ownerPid(ofName: "sluice-scratch-123-") == nil)
        #expect(ScratchDirectory.ownerPid(ofName: "sluice-scratch-123") == nil)
        #expect(ScratchDirectory.ownerPid(ofName: "sluice-scratch--1-a") == nil)
        #expect(ScratchDirectory.ownerPid(ofName: "sluice-scratch-0-a") == nil)
        #expect(ScratchDirectory.ownerPid(ofName: "other-123-a") == nil)
    }
}

// MARK: - Spill files

@Suite struct SpillFileTests {
    @Test func roundTripOfManyChunks() throws {
        try withScratch { dir in
            let path = dir.newFilePath()
            // A small write buffer: blocks straddle many flushes.
            let w = try SpillFileWriter(path: path, level: 1, bufferSize: 4096)
            var written: [Chunk] = []
            for i in 0..<300 {
                let c = eventsChunk(rows: [0, 1, 7, 100, 2048][i % 5], seed: i)
                written.append(c)
                try w.append(c)
            }
            written.append(Chunk(columns: [], count: 3))
            try w.append(written.last!)
            try w.finish()
            try w.finish()
            #expect(w.chunkCount == 301)
            #expect(w.rawBytes == Int64(written.reduce(0) { $0 + ChunkCodec.encodedSize($1) }))
            #expect(w.fileBytes == Int64(readFile(path).count))
            #expect(w.compressionRatio > 3)
            for bufferSize in [64, 1 << 20] {
                let reader = try SpillFileReader(path: path, bufferSize: bufferSize)
                for c in written {
                    guard let got = try reader.next() else { Issue.record("missing chunk"); return }
                    expectSame(c, got)
                }
                #expect(try reader.next() == nil)
                #expect(try reader.next() == nil)
                #expect(reader.atEnd && reader.chunksRead == 301 && reader.offset == w.fileBytes)
            }
        }
    }

    @Test func emptyFile() throws {
        try withScratch { dir in
            let path = dir.newFilePath()
            let w = try SpillFileWriter(path: path)
            try w.finish()
            #expect(w.fileBytes == 12 && w.rawBytes == 0 && w.compressionRatio == 0)
            let (chunks, error) = readAll(path)
            #expect(chunks.isEmpty && error == nil)
        }
    }

    @Test func privateAndExclusive() throws {
        try withScratch { dir in
            let path = dir.newFilePath()
            let w = try SpillFileWriter(path: path)
            #expect(mode(path) == 0o600)
            try w.append(eventsChunk(rows: 10, seed: 0))
            try w.finish()
            let before = readFile(path)
            let e = #expect(throws: SpillError.self) { _ = try SpillFileWriter(path: path) }
            #expect(e?.description == "cannot create '\(path)': File exists")
            #expect(e?.exitStatus == .ioError)
            #expect(readFile(path) == before)
            let missing = #expect(throws: SpillError.self) { _ = try SpillFileReader(path: dir.path + "/nope.zst") }
            #expect(missing?.description == "cannot open '\(dir.path)/nope.zst': No such file or directory")
        }
    }

    @Test func corruptedByteIsAClearError() throws {
        try withScratch { dir in
            let path = dir.newFilePath()
            var bytes = try smallSpill(path)
            let firstBlock = 12 + Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8)
            let position = firstBlock + 12 + 5
            bytes[position] ^= 0x20
            let bad = dir.newFilePath()
            writeFile(bad, bytes)
            let clen = Int(UInt32(bytes[firstBlock]) | UInt32(bytes[firstBlock + 1]) << 8)
            let stored = bytes[(firstBlock + 8)..<(firstBlock + 12)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let found = CRC32C.checksum(Array(bytes[(firstBlock + 12)..<(firstBlock + 12 + clen)]))
            let (chunks, error) = readAll(bad)
            #expect(chunks.count == 1)
            #expect(error?.description == "corrupt spill file '\(bad)': at offset \(firstBlock), checksum mismatch (expected 0x\(CRC32C.hex(stored)), found 0x\(CRC32C.hex(found)))")
            #expect(error?.exitStatus == .ioError)
        }
    }

    @Test func everySingleByteCorruptionIsAnError() throws {
        try withScratch { dir in
            let good = try smallSpill(dir.newFilePath())
            let bad = dir.newFilePath()
            for position in good.indices {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var bytes = good
                    bytes[position] ^= flip
                    writeFile(bad, bytes)
                    let (chunks, error) = readAll(bad)
                    #expect(error != nil, "byte \(position) ^ \(flip) read \(chunks.count) chunks without an error")
                }
            }
        }
    }

    @Test func headerLiesAreClearErrors() throws {
        try withScratch { dir in
            let good = try smallSpill(dir.newFilePath())
            let bad = dir.newFilePath()
            let clen = Int(UInt32(good[0]) | UInt32(good[1]) << 8)
            let raw = Int(UInt32(good[4]) | UInt32(good[5]) << 8)
            var bytes = good
            bytes[4] ^= 1
            writeFile(bad, bytes)
            #expect(readAll(bad).1?.description == "corrupt spill file '\(bad)': at offset 0, the block header says \(raw ^ 1) raw bytes, its zstd frame \(raw)")
            bytes = good
            bytes[2] = 0x10
            writeFile(bad, bytes)
            #expect(readAll(bad).1?.description == "truncated spill file '\(bad)': at offset 0, the block needs \(clen + 0x10_0000) bytes after its header, the file has \(good.count - 12)")
            // The end marker: a wrong count, and bytes after it.
            bytes = good
            let marker = good.count - 12
            bytes[marker + 4] = 3
            let crc = CRC32C.checksum(Array(bytes[marker..<(marker + 8)]))
            for k in 0..<4 { bytes[marker + 8 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
            writeFile(bad, bytes)
            #expect(readAll(bad).1?.description == "corrupt spill file '\(bad)': at offset \(marker), the end marker counts 3 chunks but the file holds 2")
            writeFile(bad, good + [0])
            #expect(readAll(bad).1?.description == "corrupt spill file '\(bad)': at offset \(marker), 1 bytes follow the end marker")
        }
    }

    @Test func everyTruncationIsAnError() throws {
        try withScratch { dir in
            let good = try smallSpill(dir.newFilePath())
            let firstBlock = 12 + Int(UInt32(good[0]) | UInt32(good[1]) << 8)
            let bad = dir.newFilePath()
            for length in 0..<good.count {
                writeFile(bad, Array(good[0..<length]))
                let (_, error) = readAll(bad)
                guard case .truncated(let p, _, _)? = error else {
                    Issue.record("truncation to \(length) bytes: \(String(describing: error))")
                    continue
                }
                #expect(p == bad)
                #expect(error?.exitStatus == .ioError)
            }
            writeFile(bad, [])
            #expect(readAll(bad).1?.description == "truncated spill file '\(bad)': at offset 0, the file ends after 0 chunks without its end marker")
            writeFile(bad, Array(good[0..<firstBlock]))
            #expect(readAll(bad).1?.description == "truncated spill file '\(bad)': at offset \(firstBlock), the file ends after 1 chunks without its end marker")
            writeFile(bad, Array(good[0..<(firstBlock + 5)]))
            #expect(readAll(bad).1?.description == "truncated spill file '\(bad)': at offset \(firstBlock), the block header has 5 of 12 bytes")
            writeFile(bad, Array(good[0..<(firstBlock - 1)]))
            #expect(readAll(bad).1?.description == "truncated spill file '\(bad)': at offset 0, the block needs \(firstBlock - 12) bytes after its header, the file has \(firstBlock - 13)")
        }
    }

    @Test func unfinishedWriterLeavesATruncatedFile() throws {
        try withScratch { dir in
            let path = dir.newFilePath()
            do {
                let w = try SpillFileWriter(path: path, bufferSize: 4096)
                for i in 0..<20 { try w.append(eventsChunk(rows: 500, seed: i)) }
                try w.flush()
            }
            let (chunks, error) = readAll(path)
            #expect(chunks.count == 20)
            #expect(error?.description == "truncated spill file '\(path)': at offset \(readFile(path).count), the file ends after 20 chunks without its end marker")
        }
    }
}
