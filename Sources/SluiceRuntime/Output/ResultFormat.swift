/// How query results are printed.
public enum ResultFormat: String, Sendable, CaseIterable {
    /// Spark's `show()` layout, for people.
    case table
    /// RFC 4180 CSV with a header, for pipes.
    case csv
    /// JSON Lines, one object per row.
    case json
}

/// Prints result rows in a ``ResultFormat``.
public struct ResultPrinter {
    public let format: ResultFormat
    public let out: OutputStream

    public init(format: ResultFormat, out: OutputStream) {
        self.format = format
        self.out = out
    }

    public func print(fields: [Field], chunks: [Chunk]) {
        switch format {
        case .table: printTable(fields, chunks)
        case .csv: printCSV(fields, chunks)
        case .json: printJSON(fields, chunks)
        }
        out.flush()
    }

    private func printTable(_ fields: [Field], _ chunks: [Chunk]) {
        var rows: [[String]] = []
        for c in chunks {
            for i in 0..<c.count {
                rows.append(c.columns.map { ResultPrinter.tableText($0.value(at: i)) })
            }
        }
        var widths = fields.map { displayWidth($0.name) }
        for r in rows { for (k, v) in r.enumerated() { widths[k] = max(widths[k], displayWidth(v)) } }
        let rule = "+" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "+") + "+\n"
        func line(_ values: [String], rightAlign: [Bool]) -> String {
            var s = "|"
            for (k, v) in values.enumerated() {
                let pad = String(repeating: " ", count: widths[k] - displayWidth(v))
                s += (rightAlign[k] ? pad + v : v + pad) + "|"
            }
            return s + "\n"
        }
        let numeric = fields.map { $0.type.isNumeric }
        out.write(rule)
        out.write(line(fields.map(\.name), rightAlign: numeric))
        out.write(rule)
        for r in rows { out.write(line(r, rightAlign: numeric)) }
        out.write(rule)
        out.write("\(rows.count) row\(rows.count == 1 ? "" : "s")\n")
    }

    static func tableText(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .string(let s):
            var t = ""
            for ch in s.unicodeScalars {
                switch ch {
                case "\n": t += "\\n"
                case "\r": t += "\\r"
                case "\t": t += "\\t"
                default: t.unicodeScalars.append(ch)
                }
            }
            return t
        default: return v.description
        }
    }

    private func displayWidth(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars {
            let v = u.value
            // East Asian wide characters and emoji take two cells.
            if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
                w += 2
            } else if v >= 0x300 && v < 0x370 {
                continue
            } else {
                w += 1
            }
        }
        return w
    }

    private func printCSV(_ fields: [Field], _ chunks: [Chunk]) {
        var writer = CSVWriter(columnNames: fields.map(\.name), header: true)
        writer.writeHeaderIfNeeded()
        for c in chunks {
            writer.append(c)
            if writer.bytes.count >= 1 << 16 { out.write(bytes: writer.takeBytes()) }
        }
        out.write(bytes: writer.takeBytes())
    }

    private func printJSON(_ fields: [Field], _ chunks: [Chunk]) {
        let keys = fields.map { ResultPrinter.jsonString($0.name) + ":" }
        for c in chunks {
            for i in 0..<c.count {
                var s = "{"
                for (k, col) in c.columns.enumerated() {
                    if k > 0 { s += "," }
                    s += keys[k]
                    s += ResultPrinter.jsonValue(col.value(at: i))
                }
                s += "}\n"
                out.write(s)
            }
        }
    }

    static func jsonValue(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN || d.isInfinite { return "\"\(SparkFormat.double(d))\"" }
            return "\(d)"
        case .string(let s): return jsonString(s)
        case .date, .timestamp: return "\"\(v.description)\""
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
