/// One column of a CSV dataset: its name and SQL type.
public struct CSVField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: DataType

    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }

    /// `name TYPE`, as DDL writes it.
    public var description: String { CSVError.ddlName(name) + " " + type.description }
}

/// Parses the `schema` option: a DDL column list as Spark's `StructType.fromDDL` reads it,
/// `a INT, b STRING, c DECIMAL(10,2) NOT NULL COMMENT 'x'`. DECIMAL (and FLOAT) is read as
/// DOUBLE; names may be backquoted; `NOT NULL` and `COMMENT` are accepted and ignored
/// (Spark's CSV reader makes every column nullable as well).
enum SchemaDDL {
    static func parse(_ ddl: String) throws(CSVError) -> [CSVField] {
        let items = try splitTopLevel(ddl)
        if items.isEmpty { throw .invalidSchema(ddl: ddl, reason: "it names no columns") }
        var fields: [CSVField] = []
        var seen = Set<String>()
        for item in items {
            let field = try parseItem(item, ddl: ddl)
            if !seen.insert(field.name.lowercased()).inserted {
                throw .invalidSchema(ddl: ddl, reason: "column \(field.name) appears twice")
            }
            fields.append(field)
        }
        return fields
    }

    /// Splits at commas outside parentheses, angle brackets, quotes and backquotes.
    private static func splitTopLevel(_ ddl: String) throws(CSVError) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        var inBackquote = false
        var inQuote: Character? = nil
        for c in ddl {
            if inBackquote {
                current.append(c)
                if c == "`" { inBackquote = false }
                continue
            }
            if let q = inQuote {
                current.append(c)
                if c == q { inQuote = nil }
                continue
            }
            switch c {
            case "`": inBackquote = true; current.append(c)
            case "'", "\"": inQuote = c; current.append(c)
            case "(", "<": depth += 1; current.append(c)
            case ")", ">": depth -= 1; current.append(c)
            case "," where depth == 0:
                items.append(current)
                current = ""
            default: current.append(c)
            }
        }
        if inBackquote || inQuote != nil || depth != 0 {
            throw .invalidSchema(ddl: ddl, reason: "unbalanced quotes or parentheses")
        }
        items.append(current)
        let trimmed = items.map { $0.trimmingSpaces() }
        if trimmed.count == 1 && trimmed[0].isEmpty { return [] }
        if trimmed.contains(where: \.isEmpty) { throw .invalidSchema(ddl: ddl, reason: "empty column definition") }
        return trimmed
    }

    private static func parseItem(_ item: String, ddl: String) throws(CSVError) -> CSVField {
        var rest = Substring(item)
        var name = ""
        if rest.first == "`" {
            rest.removeFirst()
            while let c = rest.first {
                rest.removeFirst()
                if c == "`" {
                    if rest.first == "`" { name.append("`"); rest.removeFirst(); continue }
                    break
                }
                name.append(c)
            }
        } else {
            while let c = rest.first, c != " ", c != "\t", c != ":" {
                name.append(c)
                rest.removeFirst()
            }
        }
        rest = rest.drop { $0 == " " || $0 == "\t" || $0 == ":" }
        if name.isEmpty { throw .invalidSchema(ddl: ddl, reason: "column definition '\(item)' has no name") }
        // The type runs up to NOT NULL / COMMENT, outside parentheses.
        var typeText = String(rest)
        let upper = typeText.uppercased()
        for marker in [" NOT NULL", " COMMENT "] {
            if let r = upper.range(of: marker) {
                typeText = String(typeText[..<typeText.index(typeText.startIndex, offsetBy: upper.distance(from: upper.startIndex, to: r.lowerBound))])
            }
        }
        typeText = typeText.trimmingSpaces()
        if typeText.isEmpty { throw .invalidSchema(ddl: ddl, reason: "column \(name) has no type") }
        guard let type = DataType(sparkName: typeText), type != .null else {
            throw .invalidSchema(ddl: ddl, reason: "unsupported type '\(typeText)' for column \(name) (sluice reads BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL as DOUBLE, STRING, DATE, TIMESTAMP)")
        }
        return CSVField(name, type)
    }
}

extension String {
    /// `range(of:)` for plain substrings, without Foundation.
    fileprivate func range(of needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty, needle.count <= count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
