/// One boxed value: literals, constants folded by the optimizer, and rows printed as
/// output. Never used per row in a hot loop.
public enum Value: Hashable, Sendable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// INT and BIGINT.
    case int(Int64)
    case double(Double)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int64)
    /// Microseconds since the epoch.
    case timestamp(Int64)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The type this value has when it stands alone as a literal.
    public var naturalType: DataType {
        switch self {
        case .null: return .null
        case .bool: return .boolean
        case .int(let v): return (Int64(Int32.min)...Int64(Int32.max)).contains(v) ? .int : .bigint
        case .double: return .double
        case .string: return .string
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }

    /// Spark's text form, as `spark-sql` and `df.show()` print it and CSV output writes it.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .bool(let b): return b ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let d): return SparkFormat.double(d)
        case .string(let s): return s
        case .date(let d): return SparkFormat.date(d)
        case .timestamp(let t): return SparkFormat.timestamp(t)
        }
    }
}
