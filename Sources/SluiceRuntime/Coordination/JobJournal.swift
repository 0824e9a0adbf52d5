import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The coordinator's journal of a job, in the lease directory (`journal-<epoch>`): one
/// fsynced line per finished write task and per commit, in the manner of a binlog, so that
/// a coordinator that takes over the job runs only what is missing.
///
/// A line is `<crc32c hex> <json>`; reading stops at the first line that does not check
/// (a torn tail). A new holder reads the journal of the highest lower epoch; when it was
/// written for the same job file (`job`) and did not end with `done`, its records are
/// copied into the new journal, and each statement's are used when the statement's
/// fingerprint (text, settings, input files' names, sizes and modification times) is the
/// same. The journal of a job that ended well ends with `done`.
public final class JobJournal {
    public struct Entry: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case begin, task, commit, done }
        public var kind: Kind
        /// The epoch that wrote the record first.
        public var epoch: Int
        /// The fingerprint of the job text (begin) or of the statement (task, commit).
        public var fingerprint: String
        /// 1-based number of the statement in the job.
        public var statement: Int?
        public var location: String?
        public var task: Int?
        public var files: [WrittenFile]?
        /// Set on the copy of a task record that this epoch did not run itself.
        public var resumed: Bool?
        /// What a committed INSERT wrote.
        public var summary: OutputSummary?

        public init(kind: Kind, epoch: Int, fingerprint: String, statement: Int? = nil, location: String? = nil, task: Int? = nil,
                    files: [WrittenFile]? = nil, resumed: Bool? = nil, summary: OutputSummary? = nil) {
            self.kind = kind
            self.epoch = epoch
            self.fingerprint = fingerprint
            self.statement = statement
            self.location = location
            self.task = task
            self.files = files
            self.resumed = resumed
            self.summary = summary
        }
    }

    public let path: String
    public let epoch: Int
    private let fd: Int32
    /// Records of the previous holder that this run may resume from.
    public private(set) var inherited: [Entry] = []
    /// The epoch whose records were inherited.
    public private(set) var inheritedEpoch: Int?

    init(directory: LeaseDirectory, epoch: Int, jobFingerprint: String) throws {
        self.epoch = epoch
        path = directory.journalPath(epoch)
        if let previous = try directory.numbers(LeaseDirectory.journalPrefix).last(where: { $0 < epoch }),
           let bytes = try FileSystem.readFile(directory.journalPath(previous)) {
            let entries = Self.decode(bytes)
            if let begin = entries.first, begin.kind == .begin, begin.fingerprint == jobFingerprint, entries.last?.kind != .done {
                inherited = entries.filter { $0.kind == .task || $0.kind == .commit }
                inheritedEpoch = previous
            }
        }
        do {
            fd = try FileSystem.createExclusive(path, mode: 0o600)
        } catch {
            throw LeaseDirectoryError(path: directory.path, cause: error)
        }
        var lines = Self.line(Entry(kind: .begin, epoch: epoch, fingerprint: jobFingerprint))
        for e in inherited { lines += Self.line(e) }
        try write(lines)
        try FileSystem.syncDirectory(directory.path)
        for older in try directory.numbers(LeaseDirectory.journalPrefix) where older < epoch { unlink(directory.journalPath(older)) }
    }

    deinit { close(fd) }

    /// Appends a record durably.
    public func append(_ entry: Entry) throws { try write(Self.line(entry)) }

    /// The commit record of statement `n`, when a previous holder committed it with the same
    /// fingerprint.
    func committed(statement n: Int, fingerprint: String) -> Entry? {
        inherited.last { $0.kind == .commit && $0.statement == n && $0.fingerprint == fingerprint }
    }

    /// The write tasks of statement `n` that a previous holder finished, with their files.
    func finishedTasks(statement n: Int, fingerprint: String) -> [Int: [WrittenFile]] {
        var out: [Int: [WrittenFile]] = [:]
        for e in inherited where e.kind == .task && e.statement == n && e.fingerprint == fingerprint {
            if let t = e.task { out[t] = e.files ?? [] }
        }
        return out
    }

    /// The job ended well: nothing is left to resume.
    func finish() throws { try append(Entry(kind: .done, epoch: epoch, fingerprint: "")) }

    private func write(_ bytes: [UInt8]) throws {
        try FileSystem.writeAll(fd, bytes, path: path)
        try FileSystem.sync(fd, path: path)
    }

    static func line(_ e: Entry) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = Array((try? encoder.encode(e)) ?? Data())
        return Array(CRC32C.hex(CRC32C.checksum(json)).utf8) + [0x20] + json + [0x0A]
    }

    /// The records up to the first line that does not check.
    public static func decode(_ bytes: [UInt8]) -> [Entry] {
        var out: [Entry] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard let space = line.firstIndex(of: 0x20) else { break }
            let json = Array(line[(space + 1)...])
            guard String(decoding: line[..<space], as: UTF8.self) == CRC32C.hex(CRC32C.checksum(json)),
                  let e = try? JSONDecoder().decode(Entry.self, from: Data(json)) else { break }
            out.append(e)
        }
        return out
    }
}

/// FNV-1a, 64 bits, in hex: a job's and a statement's fingerprint.
struct Fingerprint {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String) {
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
    }

    var hex: String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
