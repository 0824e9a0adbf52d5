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
    func encoded() throws -> [UInt8] { try ChecksummedJSON.encode(self) }

    /// The journal in `bytes`, or nil when it is truncated, corrupt or of another version.
    static func decode(_ bytes: [UInt8]) -> CommitJournal? {
        guard let journal = ChecksummedJSON.decode(CommitJournal.self, bytes), journal.version == 1 else { return nil }
        return journal
    }
}
