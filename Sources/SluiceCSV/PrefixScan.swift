/// Reads the beginning of a file (a UTF-8 BOM skipped) and splits it into records, for
/// the header and for inference; records cut off by the end of the prefix are left out.
enum PrefixScan {
    static func run(path: String, size: Int64, options: CSVOptions, maxBytes: Int, maxRecords: Int, slots: Int,
                    body: (UnsafePointer<UInt8>, FieldIndex, FieldDecoder) throws(CSVError) -> Void) throws(CSVError) {
        let handle = try InputFileHandle(path: path)
        let scanner = CSVScanner(dialect: CSVDialect(options: options), expectedFields: -1,
                                 slotOfField: (0..<slots).map { Int32($0) })
        let decoder = FieldDecoder(options: options)
        let index = FieldIndex(slots: slots, capacity: maxRecords)
        var want = Int(min(Int64(maxBytes), max(size, 1)))
        while true {
            let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: want + 8)
            defer { buf.deallocate() }
            let n = try handle.readFully(into: buf, count: want, at: 0)
            // The whole file as listed, or less than asked: nothing follows.
            let eof = n < want || Int64(n) >= size
            let bom = n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0
            index.count = 0
            let outcome = scanner.scan(buf, from: bom, limit: n, eof: eof, stopOffset: Int.max, line: 0,
                                       stopAfterProblem: false, into: index)
            if index.count == 0 && outcome.stop == .needMore && !eof && want < (1 << 30) {
                want *= 2 // a first record longer than the prefix
                continue
            }
            try body(buf, index, decoder)
            return
        }
    }
}
