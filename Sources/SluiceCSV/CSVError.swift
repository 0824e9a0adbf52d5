/// Everything that can go wrong when reading or writing CSV, one case per class of
/// problem. Each message names the place (option, path, or `file:line:column`), what was
/// expected, what was found, and what to do.
///
/// Columns in positions are 1-based character columns of the line (UTF-8 characters, not
/// bytes), pointing at the start of the offending field, as editors count them.
public enum CSVError: SluiceError, Equatable {
    /// An option value sluice cannot use (exit 64).
    case invalidOption(name: String, value: String, expected: String)
    /// A Spark option that Spark would honour but sluice does not implement with this
    /// value; rejected so that a job never silently means something else (exit 64).
    case unsupportedOption(name: String, value: String, hint: String)
    /// The `schema` option is not a DDL column list sluice understands (exit 64).
    case invalidSchema(ddl: String, reason: String)
    /// The path (or glob) matches nothing (exit 66).
    case pathNotFound(path: String)
    /// No file has a record to take column names from, and no schema was given (exit 66).
    case unableToInferSchema(path: String)
    /// A compressed input file, which sluice cannot decompress (exit 66).
    case compressedInput(path: String)
    /// Files sit at different depths of `key=value` directories (exit 65).
    case conflictingPartitionDirectories(first: String, firstKeys: [String], second: String, secondKeys: [String])
    /// A `key=value` directory that cannot be a partition (empty value, duplicate key) (exit 65).
    case invalidPartitionDirectory(path: String, reason: String)
    /// A partition value that does not fit the type the schema option declares for it (exit 65).
    case partitionValueMismatch(path: String, column: String, value: String, type: DataType)
    /// A column of the files has the name of a partition key (exit 65).
    case columnIsPartitionKey(column: String, path: String)
    /// A record with more or fewer fields than the schema has columns (exit 65).
    case wrongFieldCount(at: FilePosition, expected: Int, found: Int)
    /// A value that cannot be read as its column's type (exit 65). `inferred` tells whether
    /// the type came from schema inference (then the fix is to declare it) or from the
    /// schema option.
    case valueTypeMismatch(at: FilePosition, column: String, value: String, type: DataType, format: String?, inferred: Bool)
    /// A quoted field runs over a line end while `multiLine` is off (exit 65).
    case quotedLineBreak(at: FilePosition)
    /// A quoted field that is still open at the end of the file (exit 65).
    case unterminatedQuote(at: FilePosition, quote: String)
    /// Something other than a delimiter or line end right after a closing quote (exit 65).
    case unexpectedCharacterAfterQuote(at: FilePosition, found: String, delimiter: String)
    /// A read or stat that failed (exit 74).
    case io(operation: String, path: String, errno: Int32)
    /// An output (the badRecordsPath) that cannot be created or written (exit 73).
    case cannotCreate(path: String, errno: Int32)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidOption, .unsupportedOption, .invalidSchema: return .usage
        case .pathNotFound, .unableToInferSchema, .compressedInput: return .noInput
        case .conflictingPartitionDirectories, .invalidPartitionDirectory, .partitionValueMismatch,
             .columnIsPartitionKey, .wrongFieldCount, .valueTypeMismatch, .quotedLineBreak,
             .unterminatedQuote, .unexpectedCharacterAfterQuote:
            return .dataError
        case .io: return .ioError
        case .cannotCreate: return .cantCreate
        }
    }

    public var description: String {
        switch self {
        case .invalidOption(let name, let value, let expected):
            return "invalid value '\(value)' for CSV option \(name): expected \(expected)"
        case .unsupportedOption(let name, let value, let hint):
            return "CSV option \(name) '\(value)' is not supported by sluice; \(hint)"
        case .invalidSchema(let ddl, let reason):
            return "invalid schema option '\(ddl)': \(reason); write it as a column list such as 'id BIGINT, name STRING, amount DOUBLE'"
        case .pathNotFound(let path):
            return "[PATH_NOT_FOUND] Path does not exist: \(path)"
        case .unableToInferSchema(let path):
            return "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV at \(path): no file has a record to take the columns from; give the columns with the schema option (e.g. schema 'id BIGINT, name STRING')"
        case .compressedInput(let path):
            return "\(path): compressed CSV files are not supported; decompress the file first (e.g. gunzip)"
        case .conflictingPartitionDirectories(let first, let firstKeys, let second, let secondKeys):
            func keys(_ k: [String]) -> String { k.isEmpty ? "no partition directories" : "partition keys (" + k.joined(separator: ", ") + ")" }
            return "conflicting partition directory structures: \(first) has \(keys(firstKeys)) but \(second) has \(keys(secondKeys)); every file must sit under the same key=value directories; move the odd files, or point path (or basePath) at one table"
        case .invalidPartitionDirectory(let path, let reason):
            return "\(path): \(reason)"
        case .partitionValueMismatch(let path, let column, let value, let type):
            return "\(path): partition value '\(value)' of column \(column) is not a valid \(type) as the schema option declares; fix the directory name or declare the column as STRING"
        case .columnIsPartitionKey(let column, let path):
            return "\(path): column \(column) of the file is also a partition directory key; rename the file's column with the schema option (it gives the columns by position) or remove the key=value directories"
        case .wrongFieldCount(let at, let expected, let found):
            return "\(at): expected \(expected) field\(expected == 1 ? "" : "s") but found \(found); fix the row, or set the option mode 'PERMISSIVE' (missing fields read as NULL, extra fields dropped) or 'DROPMALFORMED' (the row is skipped)"
        case .valueTypeMismatch(let at, let column, let value, let type, let format, let inferred):
            let shown = CSVError.display(value)
            if inferred {
                return "\(at): value '\(shown)' in column \(column) does not match the inferred type \(type); declare the column's type with the schema option (e.g. schema '\(CSVError.ddlName(column)) STRING, ...') or fix the row"
            }
            let fmt = format.map { " in the format '\($0)'" } ?? ""
            return "\(at): value '\(shown)' in column \(column) is not a valid \(type)\(fmt) as the schema option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL"
        case .quotedLineBreak(let at):
            return "\(at): quoted field contains a line break; set the option multiLine 'true' to read records that span lines"
        case .unterminatedQuote(let at, let quote):
            return "\(at): quoted field is not closed before the end of the file; add the closing quote \(quote) (a quote inside a field is written twice: \(quote)\(quote))"
        case .unexpectedCharacterAfterQuote(let at, let found, let delimiter):
            return "\(at): expected the delimiter \(delimiter) or a line end after the closing quote of a field but found '\(found)'; quote the whole field and write each quote inside it twice"
        case .io(let operation, let path, let errno):
            return "cannot \(operation) '\(path)': \(systemErrorText(errno))"
        case .cannotCreate(let path, let errno):
            return "cannot create '\(path)': \(systemErrorText(errno)); check that the directory is writable"
        }
    }

    /// A value as an error message shows it: control characters escaped, long values cut.
    static func display(_ value: String) -> String {
        var out = ""
        var n = 0
        for ch in value.unicodeScalars {
            if n == 100 { out += "..."; break }
            switch ch {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
            n += 1
        }
        return out
    }

    /// A column name as DDL needs it: backquoted unless it is a plain identifier.
    static func ddlName(_ name: String) -> String {
        let plain = !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
        } && !(name.utf8.first! >= 48 && name.utf8.first! <= 57)
        return plain ? name : "`" + name.replacingBackquotes() + "`"
    }

    /// A byte as a message quotes it: `','`, `'\t'`.
    static func showByte(_ b: UInt8) -> String {
        switch b {
        case 9: return "'\\t'"
        case 10: return "'\\n'"
        case 13: return "'\\r'"
        default: return "'" + String(decoding: [b], as: UTF8.self) + "'"
        }
    }
}

extension String {
    fileprivate func replacingBackquotes() -> String {
        var out = ""
        for c in self { if c == "`" { out += "``" } else { out.append(c) } }
        return out
    }
}
