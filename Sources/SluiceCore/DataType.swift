/// The SQL types sluice knows, with Spark's names.
///
/// DECIMAL is read as DOUBLE (the README says so). Every type maps onto one of four
/// physical layouts (``PhysicalType``), so kernels switch on four cases, not seven.
public enum DataType: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The type of the literal `NULL` before anything gives it another.
    case null
    case boolean
    /// 32-bit integer; stored as `Int64`, range-checked on arithmetic and casts.
    case int
    case bigint
    case double
    case string
    /// Days since 1970-01-01; stored as `Int64`.
    case date
    /// Microseconds since 1970-01-01 00:00:00 in the session time zone (UTC); stored as `Int64`.
    case timestamp

    /// How values of this type are laid out in a ``Column``.
    @inlinable
    public var physical: PhysicalType {
        switch self {
        case .boolean, .null: return .bool
        case .int, .bigint, .date, .timestamp: return .int64
        case .double: return .double
        case .string: return .string
        }
    }

    /// Spark's name for the type, as `DESCRIBE` and error messages print it.
    public var description: String {
        switch self {
        case .null: return "VOID"
        case .boolean: return "BOOLEAN"
        case .int: return "INT"
        case .bigint: return "BIGINT"
        case .double: return "DOUBLE"
        case .string: return "STRING"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .int, .bigint, .double: return true
        default: return false
        }
    }

    public var isIntegral: Bool { self == .int || self == .bigint }

    /// Parses a type name as Spark's DDL writes it (`INT`, `integer`, `bigint`, `long`,
    /// `decimal(10,2)`, ...). DECIMAL is read as DOUBLE.
    public init?(sparkName raw: String) {
        var name = raw.lowercased().trimmingSpaces()
        if let paren = name.firstIndex(of: "(") { name = String(name[..<paren]).trimmingSpaces() }
        switch name {
        case "boolean", "bool": self = .boolean
        case "int", "integer", "smallint", "tinyint", "short", "byte": self = .int
        case "bigint", "long": self = .bigint
        case "double", "float", "real", "decimal", "numeric", "dec": self = .double
        case "string", "varchar", "char", "text": self = .string
        case "date": self = .date
        case "timestamp", "timestamp_ntz", "timestamp_ltz": self = .timestamp
        case "void", "null": self = .null
        default: return nil
        }
    }
}

/// The four in-memory layouts behind the SQL types.
public enum PhysicalType: Sendable, Codable {
    case bool, int64, double, string
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs and newlines.
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
