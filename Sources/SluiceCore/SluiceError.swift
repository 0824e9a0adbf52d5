/// Exit statuses in the style of sysexits(3), as DESIGN §4 lists them.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Usage or SQL error.
    case usage = 64
    /// Bad input rows, type errors in data, partition limits.
    case dataError = 65
    /// A path that does not exist.
    case noInput = 66
    /// A bug in sluice.
    case software = 70
    /// The output cannot be created.
    case cantCreate = 73
    /// Reading or writing failed.
    case ioError = 74
    /// The lease is held elsewhere; try later.
    case tempFail = 75
}

/// Every error sluice reports to a user: a message that says what is wrong, where, and
/// what to do, and the exit status it ends the run with.
public protocol SluiceError: Error, CustomStringConvertible, Sendable {
    var exitStatus: ExitStatus { get }
}

/// A place in an input file: 1-based line and column, as editors count them.
public struct FilePosition: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int?

    public init(path: String, line: Int, column: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String {
        if let column { return "\(path):\(line):\(column)" }
        return "\(path):\(line)"
    }
}

/// An error that is a bug or an unexpected state, not the user's doing (exit 70).
public struct InternalError: SluiceError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var exitStatus: ExitStatus { .software }
    public var description: String { "internal error: \(message)" }
}

/// An operating-system call that failed on a path (exit 74 unless said otherwise).
public struct IOError: SluiceError {
    public var operation: String
    public var path: String
    public var errno: Int32
    public var status: ExitStatus

    public init(_ operation: String, path: String, errno: Int32, status: ExitStatus = .ioError) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.status = status
    }

    public var exitStatus: ExitStatus { status }
    public var description: String { "cannot \(operation) '\(path)': \(systemErrorText(errno))" }
}
