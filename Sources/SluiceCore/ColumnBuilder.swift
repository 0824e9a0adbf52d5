/// Builds a ``Column`` row by row. Operators that fill typed buffers directly use the
/// `Column` initialiser instead; this is for the colder paths (output, constants, tests).
public struct ColumnBuilder: Sendable {
    public let type: DataType
    private var bools: [UInt8] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringArray()
    private var validity: Validity
    private var hasNull = false

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        validity = Validity(allValid: 0)
        switch type.physical {
        case .bool: bools.reserveCapacity(capacity)
        case .int64: ints.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string: strings.offsets.reserveCapacity(capacity + 1)
        }
    }

    public var count: Int { validity.count }

    public mutating func appendNull() {
        switch type.physical {
        case .bool: bools.append(0)
        case .int64: ints.append(0)
        case .double: doubles.append(0)
        case .string: strings.appendEmpty()
        }
        validity.append(false)
        hasNull = true
    }

    public mutating func append(bool v: Bool) { bools.append(v ? 1 : 0); validity.append(true) }
    public mutating func append(int64 v: Int64) { ints.append(v); validity.append(true) }
    public mutating func append(double v: Double) { doubles.append(v); validity.append(true) }
    public mutating func append(string v: String) { strings.append(v); validity.append(true) }

    /// Appends a boxed value, converting it to the builder's type where the layout allows.
    public mutating func append(_ value: Value) {
        switch (value, type.physical) {
        case (.null, _): appendNull()
        case (.bool(let b), .bool): append(bool: b)
        case (.int(let v), .int64), (.date(let v), .int64), (.timestamp(let v), .int64): append(int64: v)
        case (.int(let v), .double): append(double: Double(v))
        case (.double(let v), .double): append(double: v)
        case (.string(let s), .string): append(string: s)
        default: preconditionFailure("cannot append \(value) to a \(type) column")
        }
    }

    /// Appends every row of a column of the same layout.
    public mutating func append(contentsOf c: Column) {
        let n = c.count
        switch c.storage {
        case .bool(let v): bools.append(contentsOf: v)
        case .int64(let v): ints.append(contentsOf: v)
        case .double(let v): doubles.append(contentsOf: v)
        case .string(let v):
            let base = Int32(strings.bytes.count)
            strings.bytes.append(contentsOf: v.bytes)
            if n > 0 { for i in 1...n { strings.offsets.append(base + v.offsets[i]) } }
        }
        if let cv = c.validity {
            for i in 0..<n { validity.append(cv.isValid(i)) }
            hasNull = true
        } else {
            for _ in 0..<n { validity.append(true) }
        }
    }

    /// Appends row `i` of a column of the same layout.
    public mutating func append(from c: Column, at i: Int) {
        if c.isNull(i) { appendNull(); return }
        switch c.storage {
        case .bool(let v): bools.append(v[i])
        case .int64(let v): ints.append(v[i])
        case .double(let v): doubles.append(v[i])
        case .string(let v): strings.append(from: v, at: i)
        }
        validity.append(true)
    }

    public func finish() -> Column {
        let storage: Column.Storage
        switch type.physical {
        case .bool: storage = .bool(bools)
        case .int64: storage = .int64(ints)
        case .double: storage = .double(doubles)
        case .string: storage = .string(strings)
        }
        return Column(type: type, storage: storage, validity: hasNull ? validity : nil)
    }
}
