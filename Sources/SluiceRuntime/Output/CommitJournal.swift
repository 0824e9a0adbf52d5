import Foundation

/// The record of a commit, written (fsynced) into the staging directory before the first
/// rename that anyone can see, and removed once `_SUCCESS` is in place, before the old
/// data. A run that finds it replays it (every step is idempotent), so that a crash in the
/// middle of a commit is rolled forward; a staging directory without one either never
/// published anything or has published everything, and is removed.
///
/// ```
///  staging/new/<path>   what this commit publishes: partition directories, or files
///  staging/old/<path>   what it replaces, moved aside before its replacement moves in
///  <location>/<path>    one rename from new/ to here per published path
/// ```
struct CommitJournal: Codable, Equatable {
    var version = 1
    var runID: String
    /// Paths relative to the location that are moved to `old/` (overwritten data).
    var aside: [String]
    /// Paths relative to `new/` (and to the location) that are moved into the location.
    var publish: [String]
    /// The run's fencing token, when it holds a lease; nil otherwise.
    var epoch: Int?

    static let fileName = "_commit.json"

    /// JSON, then a line `crc32c=<hex>` of the JSON's bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = Array(try encoder.encode(self))
        return json + Array("\ncrc32c=\(CRC32C.hex(CRC32C.checksum(json)))\n".utf8)
    }

    /// The journal in `bytes`, or nil when it is truncated, corrupt or of another version.
    static func decode(_ bytes: [UInt8]) -> CommitJournal? {
        let marker = Array("\ncrc32c=".utf8)
        guard bytes.count > marker.count + 1 else { return nil }
        var split = -1
        var i = bytes.count - marker.count
        while i >= 0 {
            if Array(bytes[i..<i + marker.count]) == marker { split = i; break }
            i -= 1
        }
        guard split > 0 else { return nil }
        let json = Array(bytes[0..<split])
        let tail = String(decoding: bytes[(split + marker.count)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard tail == CRC32C.hex(CRC32C.checksum(json)) else { return nil }
        guard let journal = try? JSONDecoder().decode(CommitJournal.self, from: Data(json)), journal.version == 1 else { return nil }
        return journal
    }
}
