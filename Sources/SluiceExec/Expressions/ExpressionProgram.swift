/// An ``Expression`` compiled for evaluation over chunks: function kernels looked up
/// once, constant operands kept as scalars, and AND, OR and CASE arranged so that a
/// sub-expression that can fail is evaluated only on the rows that reach it (as Spark's
/// short-circuit evaluation guarantees: `x <> 0 AND 10 / x > 1` never divides by zero).
public final class ExpressionProgram: @unchecked Sendable {
    let root: Node
    public let expression: Expression

    public init(_ expression: Expression) throws {
        self.expression = expression
        root = try Node.compile(expression)
    }

    public var type: DataType { expression.type }

    /// The expression's value for every row of `chunk`.
    public func evaluate(_ chunk: Chunk) throws -> Column {
        do {
            return try root.evaluate(chunk)
        } catch let e as EvalError {
            throw ExecError(e.kind, position: chunk.origin?.position(ofRow: e.row))
        }
    }

    /// The rows for which a boolean expression is true (NULL and false drop a row), or
    /// `nil` when every row is selected.
    public func select(_ chunk: Chunk) throws -> [Int32]? {
        let c = try evaluate(chunk)
        return Selection.trueRows(c)
    }
}

/// Selection vectors: the indices of the rows an operator keeps (DuckDB's `SelectionVector`).
public enum Selection {
    /// Rows where a boolean column is true and valid; `nil` when that is every row.
    public static func trueRows(_ c: Column) -> [Int32]? {
        let n = c.count
        let bools = c.bools
        var out = [Int32]()
        out.reserveCapacity(n)
        bools.withUnsafeBufferPointer { b in
            if let v = c.validity {
                for i in 0..<n where b[i] != 0 && v.isValid(i) { out.append(Int32(i)) }
            } else {
                for i in 0..<n where b[i] != 0 { out.append(Int32(i)) }
            }
        }
        return out.count == n ? nil : out
    }
}

/// A compiled expression node.
indirect enum Node {
    case column(Int)
    case literal(Value, DataType)
    case cast(Node, DataType, CastMode)
    case negate(Node, DataType)
    case not(Node)
    case arithmetic(ArithmeticOperator, Node, Node, DataType)
    case compare(ComparisonOperator, Node, Node)
    case and(Node, Node, rightCanFail: Bool)
    case or(Node, Node, rightCanFail: Bool)
    case isNull(Node, negated: Bool)
    case inList(Node, InSet, negated: Bool)
    case like(Node, LikeMatcher, negated: Bool)
    case caseWhen([(Node, Node)], Node?, DataType, canFail: Bool)
    case coalesce([Node], DataType)
    case function(ScalarKernel, [Node], DataType, name: String)

    static func compile(_ e: Expression) throws -> Node {
        switch e {
        case .column(let i, _, _): return .column(i)
        case .literal(let v, let t): return .literal(v, t)
        case .cast(let x, let t, let isTry): return .cast(try compile(x), t, isTry ? .tryCast : .ansi)
        case .negate(let x): return .negate(try compile(x), x.type)
        case .not(let x): return .not(try compile(x))
        case .arithmetic(let op, let a, let b, let t): return .arithmetic(op, try compile(a), try compile(b), t)
        case .compare(let op, let a, let b): return .compare(op, try compile(a), try compile(b))
        case .and(let a, let b): return .and(try compile(a), try compile(b), rightCanFail: b.canFail)
        case .or(let a, let b): return .or(try compile(a), try compile(b), rightCanFail: b.canFail)
        case .isNull(let x, let n): return .isNull(try compile(x), negated: n)
        case .inList(let x, let values, let n): return .inList(try compile(x), InSet(values, type: x.type), negated: n)
        case .like(let x, let p, let esc, let n): return .like(try compile(x), LikeMatcher(pattern: p, escape: esc), negated: n)
        case .caseWhen(let branches, let elseValue, let t):
            return .caseWhen(try branches.map { (try compile($0.condition), try compile($0.value)) }, try elseValue.map { try compile($0) }, t, canFail: e.canFail)
        case .coalesce(let args, let t): return .coalesce(try args.map { try compile($0) }, t)
        case .function(let name, let args, let t):
            guard let kernel = ScalarFunctions.kernel(name: name, argTypes: args.map(\.type), returnType: t) else {
                throw InternalError("no kernel for \(name)(\(args.map { $0.type.description }.joined(separator: ", "))) -> \(t)")
            }
            return .function(kernel, try args.map { try compile($0) }, t, name: name)
        }
    }

    /// The scalar value of a literal node, if it is one.
    var scalar: Value? {
        if case .literal(let v, _) = self { return v }
        return nil
    }

    func evaluate(_ chunk: Chunk) throws -> Column {
        let n = chunk.count
        switch self {
        case .column(let i):
            return chunk.columns[i]
        case .literal(let v, let t):
            return Column.constant(v, type: t, count: n)
        case .cast(let x, let t, let mode):
            let c = try x.evaluate(chunk)
            if c.type == t { return c }
            return try Cast.cast(c, to: t, mode: mode)
        case .negate(let x, let t):
            return try Kernels.negate(try x.evaluate(chunk), type: t)
        case .not(let x):
            return Kernels.not(try x.evaluate(chunk))
        case .arithmetic(let op, let a, let b, let t):
            return try Kernels.arithmetic(op, try Operand(a, chunk), try Operand(b, chunk), count: n, type: t)
        case .compare(let op, let a, let b):
            return Kernels.compare(op, try Operand(a, chunk), try Operand(b, chunk), count: n)
        case .and(let a, let b, let rightCanFail):
            let l = try a.evaluate(chunk)
            let r = try Node.evaluateWhere(b, chunk, left: l, needed: { v, valid in !(valid && v == 0) }, canFail: rightCanFail)
            return Kernels.and(l, r)
        case .or(let a, let b, let rightCanFail):
            let l = try a.evaluate(chunk)
            let r = try Node.evaluateWhere(b, chunk, left: l, needed: { v, valid in !(valid && v != 0) }, canFail: rightCanFail)
            return Kernels.or(l, r)
        case .isNull(let x, let negated):
            let c = try x.evaluate(chunk)
            var out = [UInt8](repeating: negated ? 1 : 0, count: n)
            if let v = c.validity {
                for i in 0..<n where v.isNull(i) { out[i] = negated ? 0 : 1 }
            }
            return Column(type: .boolean, storage: .bool(out))
        case .inList(let x, let set, let negated):
            return set.contains(try x.evaluate(chunk), negated: negated)
        case .like(let x, let matcher, let negated):
            return matcher.match(try x.evaluate(chunk), negated: negated)
        case .caseWhen(let branches, let elseNode, let t, let canFail):
            return try Node.evaluateCase(branches, elseNode, t, chunk, canFail: canFail)
        case .coalesce(let args, let t):
            var result = try args[0].evaluate(chunk)
            for a in args.dropFirst() {
                guard let v = result.validity, v.nullCount > 0 else { break }
                let next = try a.evaluate(chunk)
                result = Kernels.fillNulls(result, from: next, type: t)
            }
            return result
        case .function(let kernel, let args, _, _):
            let cols = try args.map { try $0.evaluate(chunk) }
            return try kernel(cols, n)
        }
    }

    /// Evaluates `node` on the rows where `needed(leftValue, leftValid)` holds, gathering
    /// them into a smaller chunk when `node` can fail; other rows get NULL/false.
    static func evaluateWhere(_ node: Node, _ chunk: Chunk, left: Column, needed: (UInt8, Bool) -> Bool, canFail: Bool) throws -> Column {
        guard canFail else { return try node.evaluate(chunk) }
        let n = chunk.count
        let bools = left.bools
        var rows: [Int32] = []
        rows.reserveCapacity(n)
        for i in 0..<n where needed(bools[i], !left.isNull(i)) { rows.append(Int32(i)) }
        if rows.count == n { return try node.evaluate(chunk) }
        let sub = chunk.gather(rows)
        let partial: Column
        do {
            partial = try node.evaluate(sub)
        } catch let e as EvalError {
            throw EvalError(e.kind, row: Int(rows[e.row]))
        }
        return Kernels.scatter(partial, rows: rows, count: n)
    }

    /// Searched CASE: each branch's value is computed only on the rows that reach it.
    static func evaluateCase(_ branches: [(Node, Node)], _ elseNode: Node?, _ t: DataType, _ chunk: Chunk, canFail: Bool) throws -> Column {
        let n = chunk.count
        var pending = [Int32](0..<Int32(n))
        var pieces: [(rows: [Int32], values: Column)] = []
        for (cond, value) in branches {
            if pending.isEmpty { break }
            let sub = pending.count == n ? chunk : chunk.gather(pending)
            let c: Column
            do { c = try cond.evaluate(sub) } catch let e as EvalError { throw EvalError(e.kind, row: Int(pending[e.row])) }
            var hit: [Int32] = [], miss: [Int32] = []
            let b = c.bools
            for k in 0..<pending.count {
                if b[k] != 0 && !c.isNull(k) { hit.append(pending[k]) } else { miss.append(pending[k]) }
            }
            if !hit.isEmpty {
                let vc: Column
                do { vc = try value.evaluate(hit.count == n ? chunk : chunk.gather(hit)) } catch let e as EvalError { throw EvalError(e.kind, row: Int(hit[e.row])) }
                pieces.append((hit, vc))
            }
            pending = miss
        }
        if !pending.isEmpty, let elseNode {
            let vc: Column
            do { vc = try elseNode.evaluate(pending.count == n ? chunk : chunk.gather(pending)) } catch let e as EvalError { throw EvalError(e.kind, row: Int(pending[e.row])) }
            pieces.append((pending, vc))
        }
        return Kernels.merge(pieces, count: n, type: t)
    }
}

/// An operand of a binary kernel: a column, or one scalar value for every row.
enum Operand {
    case column(Column)
    case scalar(Value)

    init(_ node: Node, _ chunk: Chunk) throws {
        if let v = node.scalar { self = .scalar(v) } else { self = .column(try node.evaluate(chunk)) }
    }

    func materialize(_ type: DataType, count: Int) -> Column {
        switch self {
        case .column(let c): return c
        case .scalar(let v): return Column.constant(v, type: type, count: count)
        }
    }
}
