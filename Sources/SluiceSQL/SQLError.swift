/// An error in the SQL text of a job: syntax, names, types (exit 64).
///
/// The message follows Spark's error classes where Spark has one (`PARSE_SYNTAX_ERROR`,
/// `UNRESOLVED_COLUMN`, `DATATYPE_MISMATCH`, ...), then says where it is (`line L,
/// column C`, and the job file when there is one) and, where it helps, what to do.
public struct SQLError: SluiceError {
    /// Spark's error class, e.g. `PARSE_SYNTAX_ERROR`.
    public var errorClass: String
    public var message: String
    public var location: SourceLocation?
    /// The job file, when the SQL came from one.
    public var file: String?
    public var status: ExitStatus

    public init(_ errorClass: String, _ message: String, at location: SourceLocation?, status: ExitStatus = .usage) {
        self.errorClass = errorClass
        self.message = message
        self.location = location
        self.status = status
    }

    public var exitStatus: ExitStatus { status }

    public var description: String {
        var text = "[\(errorClass)] \(message)"
        if let location {
            if let file { text += " (\(file): line \(location.line), column \(location.column))" }
            else { text += " (line \(location.line), column \(location.column))" }
        } else if let file {
            text += " (\(file))"
        }
        return text
    }
}
