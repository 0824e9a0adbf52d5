import SystemPackage
import Testing
@testable import SluiceRuntime

@Suite struct FrameTests {
    /// Writes bytes into a pipe and reads frames back with a ``FrameReader``.
    func readFrames(_ bytes: [UInt8]) throws -> [(FrameKind, [UInt8])] {
        let (r, w) = try WorkerProcess.pipe()
        _ = try bytes.withUnsafeBytes { try w.writeAll($0) }
        try w.close()
        defer { try? r.close() }
        var reader = FrameReader(fd: r)
        var out: [(FrameKind, [UInt8])] = []
        while let f = try reader.next() { out.append(f) }
        return out
    }

    @Test func framesRoundTripThroughAPipe() throws {
        let chunk = Chunk(columns: [Column(type: .bigint, storage: .int64([1, 2, 3]))], count: 3)
        let bytes = Frame.encode(.heartbeat, []) + Frame.encode(.outputChunk, Frame.tagged(7, chunk)) + Frame.encode(.shutdown, [])
        let frames = try readFrames(bytes)
        #expect(frames.map(\.0) == [.heartbeat, .outputChunk, .shutdown])
        let (tag, decoded) = try Frame.untag(frames[1].1)
        #expect(tag == 7)
        #expect(decoded.columns[0].int64s == [1, 2, 3])
    }

    @Test func garbageIsAProtocolError() throws {
        #expect {
            _ = try readFrames(Array("hello, world".utf8))
        } throws: { ($0 as? ProtocolError)?.description == "worker protocol error: bad frame magic 0x6865" }
    }

    @Test func aFlippedPayloadByteFailsTheChecksum() throws {
        var bytes = Frame.encode(.taskDone, Array("{\"attempt\":1}".utf8))
        bytes[Frame.headerSize + 3] ^= 0x20
        #expect {
            _ = try readFrames(bytes)
        } throws: { ($0 as? ProtocolError)?.description == "worker protocol error: frame checksum mismatch" }
    }

    @Test func aTruncatedFrameIsAProtocolError() throws {
        let bytes = Frame.encode(.taskDone, Array("{\"attempt\":1}".utf8))
        #expect {
            _ = try readFrames(Array(bytes.dropLast(3)))
        } throws: { ($0 as? ProtocolError)?.description == "worker protocol error: pipe closed inside a frame" }
    }

    @Test func taskMessagesRoundTripAsJSON() throws {
        let m = TaskMessage(attempt: 3, stage: 1, task: 2,
                            operators: [.filter(.compare(.greater, .column(0, .double, name: "x"), .literal(.double(.nan), .double)))],
                            inputTypes: [.double], outputTypes: [.double],
                            input: .files([ShuffleFileRef(path: "/tmp/s/shuffle-1", ranges: [ShuffleRange(offset: 0, length: 10, rawLength: 40)])]),
                            partitionKeys: [.column(0, .double, name: "x")], partitions: 4, buildOperators: [], partitionedBuildOperators: [7],
                            partitionedBuildFiles: [nil], runStart: 42, scratch: "/tmp/s", memoryBudget: 1 << 20, zstdLevel: 3,
                            shuffleFile: "/tmp/s/shuffle-3", compressShuffle: true)
        let back = try MessageCoding.decode(TaskMessage.self, try MessageCoding.encode(m))
        #expect(back.attempt == 3 && back.partitions == 4 && back.runStart == 42)
        #expect(back.scratch == "/tmp/s" && back.memoryBudget == 1 << 20 && back.zstdLevel == 3)
        #expect(back.shuffleFile == "/tmp/s/shuffle-3" && back.compressShuffle && back.partitionedBuildFiles == [nil])
        guard case .files(let refs) = back.input else { Issue.record("not shuffle files"); return }
        #expect(refs == [ShuffleFileRef(path: "/tmp/s/shuffle-1", ranges: [ShuffleRange(offset: 0, length: 10, rawLength: 40)])])
        guard case .filter(let e) = back.operators[0] else { Issue.record("not a filter"); return }
        #expect(e.description == "(x > NaN)")
    }
}
