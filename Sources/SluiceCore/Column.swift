/// One typed column vector of a ``Chunk``: fixed-width values in a contiguous buffer,
/// strings as bytes plus offsets, and a validity bitmap that is absent when no row is NULL.
///
/// The slot of a NULL row holds an unspecified value of the right type (0, empty).
public struct Column: Sendable {
    /// The four physical layouts. Kernels switch on this once per chunk.
    public enum Storage: Sendable {
        case bool([UInt8])
        case int64([Int64])
        case double([Double])
        case string(StringArray)
    }

    public var type: DataType
    public var storage: Storage
    public var validity: Validity?

    public init(type: DataType, storage: Storage, validity: Validity? = nil) {
        self.type = type
        self.storage = storage
        self.validity = validity?.normalized
    }

    public var count: Int {
        switch storage {
        case .bool(let v): return v.count
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .string(let v): return v.count
        }
    }

    @inlinable
    public func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return validity.isNull(i)
    }

    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// The boolean bytes (0 or 1); traps on another layout.
    public var bools: [UInt8] {
        if case .bool(let v) = storage { return v }
        preconditionFailure("column of type \(type) is not boolean")
    }

    public var int64s: [Int64] {
        if case .int64(let v) = storage { return v }
        preconditionFailure("column of type \(type) is not int64")
    }

    public var doubles: [Double] {
        if case .double(let v) = storage { return v }
        preconditionFailure("column of type \(type) is not double")
    }

    public var strings: StringArray {
        if case .string(let v) = storage { return v }
        preconditionFailure("column of type \(type) is not string")
    }

    /// A column of `count` NULLs of the given type.
    public static func nulls(_ type: DataType, count: Int) -> Column {
        var validity = Validity(allValid: count)
        for i in 0..<count { validity.setNull(i) }
        let storage: Storage
        switch type.physical {
        case .bool: storage = .bool([UInt8](repeating: 0, count: count))
        case .int64: storage = .int64([Int64](repeating: 0, count: count))
        case .double: storage = .double([Double](repeating: 0, count: count))
        case .string: storage = .string(StringArray(offsets: [Int32](repeating: 0, count: count + 1), bytes: []))
        }
        return Column(type: type, storage: storage, validity: count == 0 ? nil : validity)
    }

    /// A column repeating one value `count` times.
    public static func constant(_ value: Value, type: DataType, count: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: count)
        for _ in 0..<count { b.append(value) }
        return b.finish()
    }

    /// The value in row `i`, boxed; for output and tests, never in a hot loop.
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch storage {
        case .bool(let v): return .bool(v[i] != 0)
        case .int64(let v):
            switch type {
            case .date: return .date(v[i])
            case .timestamp: return .timestamp(v[i])
            default: return .int(v[i])
            }
        case .double(let v): return .double(v[i])
        case .string(let v): return .string(v.string(at: i))
        }
    }

    /// The rows at the given indices, in that order (a gather).
    public func gather(_ indices: UnsafeBufferPointer<Int32>) -> Column {
        let n = indices.count
        var validity: Validity? = nil
        if let src = self.validity {
            var dst = Validity(allValid: n)
            for k in 0..<n where src.isNull(Int(indices[k])) { dst.setNull(k) }
            validity = dst
        }
        switch storage {
        case .bool(let v):
            return Column(type: type, storage: .bool(v.withUnsafeBufferPointer { p in (0..<n).map { p[Int(indices[$0])] } }), validity: validity)
        case .int64(let v):
            let out = [Int64](unsafeUninitializedCapacity: n) { buf, done in
                v.withUnsafeBufferPointer { p in for k in 0..<n { buf[k] = p[Int(indices[k])] } }
                done = n
            }
            return Column(type: type, storage: .int64(out), validity: validity)
        case .double(let v):
            let out = [Double](unsafeUninitializedCapacity: n) { buf, done in
                v.withUnsafeBufferPointer { p in for k in 0..<n { buf[k] = p[Int(indices[k])] } }
                done = n
            }
            return Column(type: type, storage: .double(out), validity: validity)
        case .string(let v):
            var total = 0
            for k in 0..<n { total += v.length(Int(indices[k])) }
            var out = StringArray(reservingRows: n, bytes: total)
            for k in 0..<n { out.append(from: v, at: Int(indices[k])) }
            return Column(type: type, storage: .string(out), validity: validity)
        }
    }

    public func gather(_ indices: [Int32]) -> Column {
        indices.withUnsafeBufferPointer { gather($0) }
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> Column {
        if range.lowerBound == 0 && range.count == count { return self }
        let idx = range.map { Int32($0) }
        return gather(idx)
    }

    /// The same values with another logical type of the same layout (INT → BIGINT, ...).
    public func retyped(_ newType: DataType) -> Column {
        precondition(newType.physical == type.physical || type == .null)
        if type == .null && newType.physical != .bool { return .nulls(newType, count: count) }
        var c = self
        c.type = newType
        return c
    }

    /// Columns appended one after another; all must share a layout.
    public static func concat(_ parts: [Column], type: DataType) -> Column {
        let total = parts.reduce(0) { $0 + $1.count }
        var b = ColumnBuilder(type: type, capacity: total)
        for p in parts { b.append(contentsOf: p) }
        return b.finish()
    }
}
