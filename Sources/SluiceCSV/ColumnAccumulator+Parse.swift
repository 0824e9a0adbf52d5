/// What the reader needs to convert text to the non-string types, compiled once per reader.
struct ValueConverter {
    let dateFormat: DateTimePattern?
    let timestampFormat: DateTimePattern?
    let dateFallback: Bool
    let timestampFallback: Bool
    let nanValue: [UInt8]
    let positiveInf: [UInt8]
    let negativeInf: [UInt8]
    /// First bytes of the three special texts (an empty text can never match: 0 is used,
    /// and a field's first byte is never compared for an empty field).
    let specialFirst: (UInt8, UInt8, UInt8)
    /// No special text reads as a short decimal, so a text that does is not special.
    let decimalsFirst: Bool

    init(options: CSVOptions) throws(CSVError) {
        dateFormat = try options.dateFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "dateFormat") }
        timestampFormat = try options.timestampFormat.map { (p) throws(CSVError) in try compilePattern(p, option: "timestampFormat") }
        dateFallback = options.dateFallback
        timestampFallback = options.timestampFallback
        nanValue = Array(options.nanValue.utf8)
        positiveInf = Array(options.positiveInf.utf8)
        negativeInf = Array(options.negativeInf.utf8)
        specialFirst = (nanValue.first ?? 0, positiveInf.first ?? 0, negativeInf.first ?? 0)
        decimalsFirst = ![nanValue, positiveInf, negativeInf].contains { text in
            // Padded, since the parser reads eight bytes at a time.
            !text.isEmpty && (text + [UInt8](repeating: 0, count: 8)).withUnsafeBufferPointer {
                FieldParsers.shortDecimal($0.baseAddress!, text.count) != nil
            }
        }
    }

    /// Spark's DOUBLE converter: the nanValue/positiveInf/negativeInf texts first, then
    /// `Double.parseDouble`.
    @inline(__always)
    func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        if decimalsFirst, let v = FieldParsers.shortDecimal(p, n) { return v }
        // The special texts rarely start with a digit; compare them only when one could match.
        let c = p[0]
        if c == specialFirst.0 || c == specialFirst.1 || c == specialFirst.2 {
            if let v = special(p, n) { return v }
        }
        return FieldParsers.double(p, n)
    }

    private func special(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        if nanValue.withUnsafeBufferPointer({ FieldParsers.equals(p, n, $0) }) { return .nan }
        if positiveInf.withUnsafeBufferPointer({ FieldParsers.equals(p, n, $0) }) { return .infinity }
        if negativeInf.withUnsafeBufferPointer({ FieldParsers.equals(p, n, $0) }) { return -.infinity }
        return nil
    }

    @inline(__always)
    func date(_ p: UnsafePointer<UInt8>, _ n: Int, _ cache: inout DateCache) -> Int64? {
        if dateFormat == nil && n == 10, let d = cache.days(p) { return d }
        return date(p, n)
    }

    @inline(__always)
    func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int, _ cache: inout DateCache) -> Int64? {
        if timestampFormat == nil && n == 19 && (p[10] == 32 || p[10] == 84) && p[13] == 58 && p[16] == 58,
           let day = cache.days(p), let h = FieldParsers.twoDigits(p + 11), let mi = FieldParsers.twoDigits(p + 14),
           let s = FieldParsers.twoDigits(p + 17), h < 24, mi < 60, s < 60 {
            return day * DateTime.microsPerDay + ((h * 60 + mi) * 60 + s) * DateTime.microsPerSecond
        }
        return timestamp(p, n)
    }

    func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if let f = dateFormat {
            if let d = f.parseDays(UnsafeBufferPointer(start: p, count: n)) { return d }
            return dateFallback ? FieldParsers.date(p, n) : nil
        }
        return FieldParsers.date(p, n)
    }

    func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if let f = timestampFormat {
            if let t = f.parse(UnsafeBufferPointer(start: p, count: n)) { return t }
            return timestampFallback ? FieldParsers.timestamp(p, n) : nil
        }
        return FieldParsers.timestamp(p, n)
    }
}

/// The day number of the last `yyyy-MM-dd` seen: dates in a column mostly repeat, and
/// a repeat costs one comparison instead of a calendar computation.
struct DateCache {
    var key: UInt64 = 0
    var key2: UInt16 = 0
    var value: Int64 = 0
    var valid = false

    /// The day of the `yyyy-MM-dd` at `p` (10 bytes), or `nil` if it is not one.
    @inline(__always)
    mutating func days(_ p: UnsafePointer<UInt8>) -> Int64? {
        let k = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let k2 = UnsafeRawPointer(p + 8).loadUnaligned(as: UInt16.self)
        if valid && k == key && k2 == key2 { return value }
        guard let d = FieldParsers.isoDate(p, 10) else { return nil }
        key = k
        key2 = k2
        value = d
        valid = true
        return d
    }
}

/// A value that did not convert: the batch row and the slot.
struct ParseFailure {
    var row: Int
    var slot: Int
}

extension ColumnAccumulator {
    /// Parses slot `slot` (file field `field`) of the records `rows[0 ..< n]` into rows
    /// `count ..< count + n`. A missing field is NULL; a value that does not convert is NULL
    /// and is reported in `failures`. One type switch, then a tight loop per type.
    func parse(_ buf: UnsafePointer<UInt8>, _ index: FieldIndex, slot: Int, field: Int,
               rows: UnsafePointer<Int32>, _ n: Int, decoder: FieldDecoder, converter: ValueConverter,
               failures: inout [ParseFailure]) {
        let base = count
        switch kind {
        case .string:
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                appendString(base &+ k, p, len)
            }
        case .int64, .int32:
            let out = int64s
            let narrow = kind == .int32
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                if let v = narrow ? FieldParsers.int32(p, len) : FieldParsers.int64(p, len) {
                    out[base &+ k] = v
                } else {
                    setNull(base &+ k)
                    failures.append(ParseFailure(row: k, slot: slot))
                }
            }
        case .double:
            let out = doubles
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                if let v = converter.double(p, len) {
                    out[base &+ k] = v
                } else {
                    setNull(base &+ k)
                    failures.append(ParseFailure(row: k, slot: slot))
                }
            }
        case .boolean:
            let out = bools
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                if let v = FieldParsers.bool(p, len) {
                    out[base &+ k] = v ? 1 : 0
                } else {
                    setNull(base &+ k)
                    failures.append(ParseFailure(row: k, slot: slot))
                }
            }
        case .date:
            let out = int64s
            var cache = DateCache()
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                if let v = converter.date(p, len, &cache) {
                    out[base &+ k] = v
                } else {
                    setNull(base &+ k)
                    failures.append(ParseFailure(row: k, slot: slot))
                }
            }
        case .timestamp:
            let out = int64s
            var cache = DateCache()
            forEachText(buf, index, slot: slot, field: field, rows: rows, n, decoder) { k, p, len in
                if let v = converter.timestamp(p, len, &cache) {
                    out[base &+ k] = v
                } else {
                    setNull(base &+ k)
                    failures.append(ParseFailure(row: k, slot: slot))
                }
            }
        }
        count = base + n
    }

    /// Calls `value` with the batch row and the text of slot `slot` of each record
    /// `rows[0 ..< n]`, in order; a missing field or a NULL text is set NULL (row
    /// `count + k`) instead. An unquoted field under options that neither trim nor compare
    /// with a NULL text is read from its cell without the decoder.
    @inline(__always)
    private func forEachText(_ buf: UnsafePointer<UInt8>, _ index: FieldIndex, slot: Int, field: Int,
                             rows: UnsafePointer<Int32>, _ n: Int, _ decoder: FieldDecoder,
                             _ value: (Int, UnsafePointer<UInt8>, Int) -> Void) {
        let base = count
        let stride = index.stride, cells = index.cells, fields = index.recordFields
        let f32 = Int32(truncatingIfNeeded: field)
        let plain = decoder.plainUnquoted
        for k in 0..<n {
            let r = Int(rows[k])
            if f32 < fields[r] {
                let cell = cells[r &* stride &+ slot]
                let lf = UInt32(truncatingIfNeeded: cell >> 32)
                if plain && lf & FieldIndex.quotedFlag == 0 {
                    // An empty unquoted field is NULL.
                    if lf != 0 {
                        value(k, buf + Int(UInt32(truncatingIfNeeded: cell)), Int(lf))
                        continue
                    }
                } else if let (p, len) = decoder.text(buf, Int32(truncatingIfNeeded: cell), lf) {
                    value(k, p, len)
                    continue
                }
            }
            setNull(base &+ k)
        }
    }
}
