/// One level of a spilling aggregation's grace-hash partitioning: 16 spill files, a row
/// going to the one numbered by 4 bits of its key hash (``hashGroupKeys(_:count:)``).
///
/// ```
///  hash bits  63..60   59..56   55..52   51..48   ...   low bits
///             level 0  level 1  level 2  level 3        a group table's slot index
/// ```
///
/// The bits come from the top down, so they are independent of the low bits a group
/// table picks its slots with (the rows of one partition still spread over all slots) and
/// of the ones an earlier level used (a split partition spreads over all 16 files). After
/// the last level a partition is merged in memory whatever its size: it would take more
/// than 65,536 budgets of distinct groups to get there.
final class GraceHashPartitions {
    static let bitsPerLevel = 4
    static let fanOut = 1 << bitsPerLevel
    /// Levels of partitioning (0 ..< levels).
    static let levels = 4

    let level: Int
    let context: SpillContext
    private var files: [ScratchFile?]
    private var writers: [SpillFileWriter?]
    private let shift: UInt64

    init(level: Int, context: SpillContext) {
        precondition(level >= 0 && level < Self.levels, "grace-hash level \(level) out of range")
        self.level = level
        self.context = context
        files = Array(repeating: nil, count: Self.fanOut)
        writers = Array(repeating: nil, count: Self.fanOut)
        shift = UInt64(64 - Self.bitsPerLevel * (level + 1))
    }

    /// Writes each row of `chunk` (its first `keyCount` columns the group keys) to its
    /// partition's file, creating files as partitions receive their first rows.
    func write(_ chunk: Chunk, keyCount: Int) throws {
        let n = chunk.count
        let hashes = hashGroupKeys(Array(chunk.columns[0..<keyCount]), count: n)
        var part = [UInt8](repeating: 0, count: n)
        let shift = self.shift, mask = UInt64(Self.fanOut - 1)
        hashes.withUnsafeBufferPointer { h in
            part.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i] = UInt8(truncatingIfNeeded: (h[i] >> shift) & mask) }
            }
        }
        var plain = chunk
        plain.origin = nil
        for (b, rows) in plain.split(byPartition: part, partitions: Self.fanOut) {
            try writer(b).append(rows)
        }
    }

    private func writer(_ b: Int) throws(SpillError) -> SpillFileWriter {
        if let w = writers[b] { return w }
        let (file, w) = try context.createFile(prefix: "agg-l\(level)-p\(b)")
        files[b] = file
        writers[b] = w
        return w
    }

    /// Finishes every file; those that received rows, in partition order.
    func close() throws -> [ScratchFile] {
        var out: [ScratchFile] = []
        for b in 0..<Self.fanOut {
            guard let w = writers[b], let f = files[b] else { continue }
            writers[b] = nil
            files[b] = nil
            try context.finish(w)
            out.append(f)
        }
        return out
    }
}
