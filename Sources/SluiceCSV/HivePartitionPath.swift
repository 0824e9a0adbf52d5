/// Directory names of Hive-style partitions, as Hive's `FileUtils.escapePathName` and
/// Spark's `ExternalCatalogUtils.getPartitionPathString` make them: `key=value`, both sides
/// escaped, NULL and the empty string as `hive.exec.default.partition.name`.
///
/// Escaped as `%XX` (upper-case hex): the control characters 0x01-0x1F and 0x7F, and
/// `"#%'*/:=?\{[]^`. Nothing else is touched (a space, a dot, non-ASCII text stay as they
/// are), so `..` is a legal value, and it never forms a path of its own: it is always
/// behind `key=`. ``PartitionDiscovery`` undoes this when the output is read back.
public enum HivePartitionPath {
    /// `hive.exec.default.partition.name`'s default.
    public static let defaultPartitionName = PartitionDiscovery.defaultPartitionName

    /// Hive's `FileUtils.escapePathName`.
    public static func escape(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where mustEscape(b) { needs = true; break }
        guard needs else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        for b in s.utf8 {
            if mustEscape(b) {
                out.append(37)
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 15))
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `%XX` back to the byte (Hive's `unescapePathName`).
    public static func unescape(_ s: String) -> String { PartitionDiscovery.unescape(s) }

    /// `column=value` for one partition column; `value` in Spark's text form.
    public static func directoryName(column: String, value: Value, defaultName: String = defaultPartitionName) -> String {
        let text = value.isNull ? "" : value.description
        return escape(column) + "=" + (text.isEmpty ? defaultName : escape(text))
    }

    static func mustEscape(_ b: UInt8) -> Bool {
        switch b {
        case 0x01...0x1F, 0x7F: return true
        case UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "'"), UInt8(ascii: "*"),
             UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "\\"),
             UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "^"):
            return true
        default: return false
        }
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 55 + v }
}
