/// What went wrong evaluating a row, raised by kernels with the row's index in its chunk;
/// the evaluator turns it into an ``ExecError`` that names the row's file and line.
public struct EvalError: Error, Sendable {
    public var kind: ExecError.Kind
    /// Index of the offending row in the chunk the kernel was given.
    public var row: Int
    public init(_ kind: ExecError.Kind, row: Int) {
        self.kind = kind
        self.row = row
    }
}

/// A data error raised while executing a query (exit 65), with Spark 4's ANSI error
/// classes and messages, followed by where the row came from.
public struct ExecError: SluiceError {
    public enum Kind: Sendable, Equatable {
        /// `CAST_INVALID_INPUT`: a value that cannot be cast (e.g. 'abc' to INT).
        case castInvalidInput(value: String, from: DataType, to: DataType)
        /// `CAST_OVERFLOW`: a numeric value out of the target type's range.
        case castOverflow(value: String, from: DataType, to: DataType)
        /// `ARITHMETIC_OVERFLOW`: `typeName` is Spark's ("integer", "long"), `tryFunction`
        /// the try_ variant to suggest ("try_add", "try_multiply", ...).
        case arithmeticOverflow(typeName: String, tryFunction: String)
        /// `DIVIDE_BY_ZERO`.
        case divideByZero
        /// A function given an argument it cannot use (a bad date pattern, a negative count...).
        case invalidArgument(function: String, message: String)
        /// Anything else a row can break.
        case other(String)
    }

    public var kind: Kind
    /// The file and line of the row, when it came from a scan in the same pipeline.
    public var position: FilePosition?

    public init(_ kind: Kind, position: FilePosition? = nil) {
        self.kind = kind
        self.position = position
    }

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        var text: String
        switch kind {
        case .castInvalidInput(let value, let from, let to):
            text = "[CAST_INVALID_INPUT] The value '\(value)' of the type \"\(from)\" cannot be cast to \"\(to)\" because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead."
        case .castOverflow(let value, let from, let to):
            text = "[CAST_OVERFLOW] The value \(value) of the type \"\(from)\" cannot be cast to \"\(to)\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead."
        case .arithmeticOverflow(let typeName, let tryFunction):
            text = "[ARITHMETIC_OVERFLOW] \(typeName) overflow."
            if !tryFunction.isEmpty { text += " Use '\(tryFunction)' to tolerate overflow and return NULL instead." }
        case .divideByZero:
            text = "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead."
        case .invalidArgument(let function, let message):
            text = "[INVALID_ARGUMENT] \(function): \(message)"
        case .other(let message):
            text = message
        }
        if let position { text += " (row at \(position))" }
        return text
    }
}

/// A vectorised scalar function: takes argument columns of equal length `count`, already
/// cast to the parameter types its signature asked for, and returns a column of the
/// signature's return type. NULL in, NULL out unless the function says otherwise.
public typealias ScalarKernel = @Sendable (_ args: [Column], _ count: Int) throws -> Column
