/// Writes the records a reader rejects, one JSON object per line, to
/// `<badRecordsPath>/part-<file index>-<split start>.json` (as Databricks' `badRecordsPath`:
/// rejected records are dropped from the result and kept here instead):
///
/// ```
/// {"path":"data/e.csv","line":12,"record":"3,abc,x","reason":"value 'abc' in column amount ..."}
/// ```
///
/// The file is created (directories 0755, file 0644) at the first rejected record and
/// truncated then, so that a retried split replaces what a failed attempt wrote; each split
/// has its own file, so concurrent splits never share one.
final class BadRecordWriter {
    let directory: String
    let fileName: String
    private var handle: OutputFileHandle?
    private var pending: [UInt8] = []

    init(directory: String, fileIndex: Int, splitStart: Int64) {
        self.directory = directory
        fileName = "part-\(String(fileIndex, radix: 10))-\(splitStart).json"
    }

    var path: String { directory + "/" + fileName }

    func add(path source: String, line: Int, record: String, reason: String) {
        pending += Array("{\"path\":".utf8)
        appendJSONString(source, to: &pending)
        pending += Array(",\"line\":\(line),\"record\":".utf8)
        appendJSONString(record, to: &pending)
        pending += Array(",\"reason\":".utf8)
        appendJSONString(reason, to: &pending)
        pending += Array("}\n".utf8)
    }

    /// Writes what was added since the last flush.
    func flush() throws(CSVError) {
        if pending.isEmpty { return }
        if handle == nil {
            do { try FileSystem.makeDirectories(directory) } catch { throw .cannotCreate(path: error.path, errno: error.errno) }
            handle = try OutputFileHandle(path: path)
        }
        try handle!.writeAll(pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
func appendJSONString(_ s: String, to out: inout [UInt8]) {
    out.append(34)
    for b in s.utf8 {
        switch b {
        case 34: out += [92, 34]
        case 92: out += [92, 92]
        case 10: out += [92, 110]
        case 13: out += [92, 114]
        case 9: out += [92, 116]
        case 0..<32:
            let hex = Array("0123456789abcdef".utf8)
            out += [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
        default: out.append(b)
        }
    }
    out.append(34)
}
