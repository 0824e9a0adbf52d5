import Foundation

/// Small records written to disk where a torn or damaged copy must be recognised, never
/// misread: the JSON of a value, then a line `crc32c=<hex>` of the JSON's bytes. Used by
/// the commit journal and the lease record.
enum ChecksummedJSON {
    static let marker = Array("\ncrc32c=".utf8)

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = Array(try encoder.encode(value))
        return json + Array("\ncrc32c=\(CRC32C.hex(CRC32C.checksum(json)))\n".utf8)
    }

    /// The value in `bytes`, or nil when they are empty, truncated or corrupt.
    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        guard bytes.count > marker.count + 1 else { return nil }
        var split = -1
        var i = bytes.count - marker.count
        while i >= 0 {
            if bytes[i] == marker[0] && Array(bytes[i..<i + marker.count]) == marker { split = i; break }
            i -= 1
        }
        guard split > 0 else { return nil }
        let json = Array(bytes[0..<split])
        let tail = String(decoding: bytes[(split + marker.count)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard tail == CRC32C.hex(CRC32C.checksum(json)) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(json))
    }
}
