/// The syntax tree of sluice's SQL dialect (a subset of Spark SQL), as the parser
/// produces it: names unresolved, types unchecked. Every node that can be wrong in a
/// user's eyes carries its ``SourceLocation`` so the binder can point at it.

/// A 1-based line and column in the SQL text.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "line \(line), column \(column)" }
}

/// One statement of a job file.
public enum Statement: Sendable {
    /// `SET key=value` (the value is the raw text after `=`, trimmed); `SET key` shows one.
    case set(key: String, value: String?, location: SourceLocation)
    /// `CREATE [OR REPLACE] TEMPORARY VIEW name USING csv OPTIONS (k 'v', ...)`, with an
    /// optional column list `(a INT, b STRING)` before USING.
    case createSourceView(CreateSourceView)
    /// `CREATE [OR REPLACE] TEMPORARY VIEW name AS query`.
    case createQueryView(name: Identifier, query: Query, orReplace: Bool, location: SourceLocation)
    /// `CREATE TABLE [IF NOT EXISTS] t (cols) USING csv [PARTITIONED BY (cols)] LOCATION 'p' [OPTIONS (...)]`.
    case createTable(CreateTable)
    /// `INSERT OVERWRITE|INTO [TABLE] t [PARTITION (k[=v], ...)] query`.
    case insertTable(InsertTable)
    /// `INSERT OVERWRITE DIRECTORY 'p' USING csv [OPTIONS (...)] query`.
    case insertDirectory(InsertDirectory)
    /// A query whose rows are printed.
    case query(Query)
}

/// A possibly-qualified name as written: `events`, `e.amount`. Parts keep their spelling;
/// resolution is case-insensitive, as Spark's default.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    public var parts: [String]
    public var location: SourceLocation
    public init(_ parts: [String], location: SourceLocation) {
        self.parts = parts
        self.location = location
    }
    public var name: String { parts.last ?? "" }
    public var description: String { parts.joined(separator: ".") }
}

public struct ColumnDefinition: Sendable {
    public var name: String
    /// The type's text as written (`INT`, `DECIMAL(10,2)`), resolved by the binder.
    public var typeName: String
    public var location: SourceLocation
    public init(name: String, typeName: String, location: SourceLocation) {
        self.name = name
        self.typeName = typeName
        self.location = location
    }
}

/// `OPTIONS (key 'value', key = 'value', ...)`; keys keep their spelling, values are the
/// literal's text (strings unquoted, numbers and booleans as written).
public struct OptionList: Sendable {
    public var entries: [(key: String, value: String, location: SourceLocation)]
    public init(_ entries: [(key: String, value: String, location: SourceLocation)] = []) { self.entries = entries }
}

public struct CreateSourceView: Sendable {
    public var name: Identifier
    public var columns: [ColumnDefinition]
    /// The data source name after USING (`csv`).
    public var format: String
    public var options: OptionList
    public var orReplace: Bool
    public var location: SourceLocation
    public init(name: Identifier, columns: [ColumnDefinition], format: String, options: OptionList, orReplace: Bool, location: SourceLocation) {
        self.name = name
        self.columns = columns
        self.format = format
        self.options = options
        self.orReplace = orReplace
        self.location = location
    }
}

public struct CreateTable: Sendable {
    public var name: Identifier
    public var ifNotExists: Bool
    public var columns: [ColumnDefinition]
    public var format: String
    /// Column names in PARTITIONED BY; each must be one of `columns` (Spark's syntax),
    /// or, written with a type (`PARTITIONED BY (dt DATE)`), an extra column (Hive's).
    public var partitionedBy: [ColumnDefinition]
    public var path: String?
    public var options: OptionList
    public var location: SourceLocation
    public init(name: Identifier, ifNotExists: Bool, columns: [ColumnDefinition], format: String, partitionedBy: [ColumnDefinition], path: String?, options: OptionList, location: SourceLocation) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.format = format
        self.partitionedBy = partitionedBy
        self.path = path
        self.options = options
        self.location = location
    }
}

/// One entry of `PARTITION (...)`: `dt` (dynamic) or `dt='2024-03-05'` (static).
public struct PartitionSpecEntry: Sendable {
    public var column: String
    public var value: Expr?
    public var location: SourceLocation
    public init(column: String, value: Expr?, location: SourceLocation) {
        self.column = column
        self.value = value
        self.location = location
    }
}

public struct InsertTable: Sendable {
    public var table: Identifier
    public var overwrite: Bool
    /// `nil` when no PARTITION clause was written.
    public var partition: [PartitionSpecEntry]?
    public var query: Query
    public var location: SourceLocation
    public init(table: Identifier, overwrite: Bool, partition: [PartitionSpecEntry]?, query: Query, location: SourceLocation) {
        self.table = table
        self.overwrite = overwrite
        self.partition = partition
        self.query = query
        self.location = location
    }
}

public struct InsertDirectory: Sendable {
    public var path: String
    public var overwrite: Bool
    public var format: String
    public var options: OptionList
    public var query: Query
    public var location: SourceLocation
    public init(path: String, overwrite: Bool, format: String, options: OptionList, query: Query, location: SourceLocation) {
        self.path = path
        self.overwrite = overwrite
        self.format = format
        self.options = options
        self.query = query
        self.location = location
    }
}

/// A full query: `[WITH ...] body [ORDER BY ...] [LIMIT n]`.
public final class Query: Sendable {
    public let with: [CommonTableExpression]
    public let body: QueryBody
    public let orderBy: [OrderItem]
    public let limit: Expr?
    public let location: SourceLocation
    public init(with: [CommonTableExpression], body: QueryBody, orderBy: [OrderItem], limit: Expr?, location: SourceLocation) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.location = location
    }
}

public struct CommonTableExpression: Sendable {
    public var name: Identifier
    public var columnAliases: [String]
    public var query: Query
    public init(name: Identifier, columnAliases: [String], query: Query) {
        self.name = name
        self.columnAliases = columnAliases
        self.query = query
    }
}

public indirect enum QueryBody: Sendable {
    case select(Select)
    /// `left UNION [ALL|DISTINCT] right`; `all == false` removes duplicates.
    case union(QueryBody, QueryBody, all: Bool, location: SourceLocation)
    /// `( query )` used as a set-operation operand.
    case nested(Query)
}

public final class Select: Sendable {
    public let distinct: Bool
    public let items: [SelectItem]
    public let from: TableRef?
    public let whereClause: Expr?
    public let groupBy: [Expr]
    public let having: Expr?
    /// `DISTRIBUTE BY e, ...` (Hive/Spark): an explicit shuffle by these expressions.
    public let distributeBy: [Expr]
    public let location: SourceLocation
    public init(distinct: Bool, items: [SelectItem], from: TableRef?, whereClause: Expr?, groupBy: [Expr], having: Expr?, distributeBy: [Expr], location: SourceLocation) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.distributeBy = distributeBy
        self.location = location
    }
}

public enum SelectItem: Sendable {
    /// `*` or `t.*`.
    case star(qualifier: String?, location: SourceLocation)
    case expr(Expr, alias: String?)
}

public indirect enum TableRef: Sendable {
    /// A table or view name, or a path source such as csv.`data/events`.
    case named(Identifier, alias: String?)
    /// `csv.\`path\`` : format and path.
    case path(format: String, path: String, alias: String?, location: SourceLocation)
    case subquery(Query, alias: String?, location: SourceLocation)
    case join(TableRef, TableRef, JoinKind, JoinCondition, location: SourceLocation)
}

public enum JoinKind: String, Sendable {
    case inner = "INNER"
    case left = "LEFT OUTER"
    case right = "RIGHT OUTER"
    case full = "FULL OUTER"
    case cross = "CROSS"
    case leftSemi = "LEFT SEMI"
    case leftAnti = "LEFT ANTI"
}

public enum JoinCondition: Sendable {
    case on(Expr)
    case using([String])
    case none
}

public struct OrderItem: Sendable {
    public var expr: Expr
    public var ascending: Bool
    /// `nil`: Spark's default (NULLS FIRST for ASC, NULLS LAST for DESC).
    public var nullsFirst: Bool?
    public init(expr: Expr, ascending: Bool, nullsFirst: Bool?) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", intDivide = "div"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// `<=>`, null-safe equality.
    case nullSafeEqual = "<=>"
    case and = "AND", or = "OR"
    /// `||`, string concatenation.
    case concat = "||"
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "NOT"
}

/// A scalar expression as written.
public indirect enum Expr: Sendable {
    case literal(Literal, SourceLocation)
    case column(Identifier)
    case unary(UnaryOperator, Expr, SourceLocation)
    case binary(BinaryOperator, Expr, Expr, SourceLocation)
    /// `name(args)`, `name(DISTINCT args)`, `count(*)` (star == true, args empty).
    case function(name: String, args: [Expr], distinct: Bool, star: Bool, SourceLocation)
    /// `CAST(e AS type)`; `try_cast(e AS type)` sets `isTry`.
    case cast(Expr, typeName: String, isTry: Bool, SourceLocation)
    /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
    case caseWhen(operand: Expr?, branches: [(when: Expr, then: Expr)], elseExpr: Expr?, SourceLocation)
    case isNull(Expr, negated: Bool, SourceLocation)
    case inList(Expr, [Expr], negated: Bool, SourceLocation)
    case between(Expr, low: Expr, high: Expr, negated: Bool, SourceLocation)
    /// `LIKE` / `RLIKE` (`regex`), with an optional `ESCAPE` character.
    case like(Expr, pattern: Expr, negated: Bool, regex: Bool, escape: String?, SourceLocation)
    /// `INTERVAL n unit` (days only, for date arithmetic: `dt + INTERVAL 1 DAY`).
    case interval(value: Expr, unit: String, SourceLocation)
    /// A scalar subquery `(SELECT ...)`.
    case subquery(Query, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let l), .unary(_, _, let l), .binary(_, _, _, let l),
             .function(_, _, _, _, let l), .cast(_, _, _, let l), .caseWhen(_, _, _, let l),
             .isNull(_, _, let l), .inList(_, _, _, let l), .between(_, _, _, _, let l),
             .like(_, _, _, _, _, let l), .interval(_, _, let l), .subquery(_, let l):
            return l
        case .column(let id): return id.location
        }
    }
}

public enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer literal that fits in Int64 (`1`, `10000000000`; `10L` too).
    case integer(Int64)
    /// A literal with a fraction or exponent (`1.5`, `1e3`, `1.5D`); Spark reads `1.5` as
    /// DECIMAL, which sluice reads as DOUBLE.
    case double(Double)
    case string(String)
    /// `DATE 'yyyy-mm-dd'` (the text is checked by the binder).
    case date(String)
    /// `TIMESTAMP 'yyyy-mm-dd hh:mm:ss'`.
    case timestamp(String)
}
