extension Chunk {
    /// The rows of each partition as one chunk, for the partitions that have rows, in
    /// partition order; rows keep their order. `part[i]` is row i's partition
    /// (0 ..< `partitions`, at most 256). A chunk whose rows all go to one partition comes
    /// back whole, without a copy.
    ///
    /// The row numbers are laid out partition after partition by a counting sort, so the
    /// whole split costs two passes over `part` and one gather per partition.
    func split(byPartition part: [UInt8], partitions: Int) -> [(partition: Int, chunk: Chunk)] {
        let n = count
        var sizes = [Int](repeating: 0, count: partitions)
        part.withUnsafeBufferPointer { p in for i in 0..<n { sizes[Int(p[i])] += 1 } }
        if let only = sizes.firstIndex(of: n) { return n == 0 ? [] : [(only, self)] }
        var starts = [Int](repeating: 0, count: partitions + 1)
        for b in 0..<partitions { starts[b + 1] = starts[b] + sizes[b] }
        var next = starts
        var rows = [Int32](repeating: 0, count: n)
        rows.withUnsafeMutableBufferPointer { r in
            part.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let b = Int(p[i])
                    r[next[b]] = Int32(truncatingIfNeeded: i)
                    next[b] += 1
                }
            }
        }
        return (0..<partitions).filter { sizes[$0] > 0 }.map { b in (b, gather(Array(rows[starts[b]..<starts[b + 1]]))) }
    }
}
