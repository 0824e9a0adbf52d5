import CSluiceShims
#if canImport(Glibc)
import Glibc
#endif

/// Stages and publishes the output of one INSERT at one location, fenced by the epoch of
/// the coordinator's lease.
///
/// ```
///  begin    settle what earlier epochs left (below); create <location>/.sluice-staging-<epoch>
///           (0700, exclusively) with an owner file
///  (tasks)  each attempt writes under staging/attempt-<run>-<id>/
///  commit   1 assemble: the committed attempts' files into staging/new/<partition>/
///           2 journal:  staging/_commit.json with the epoch, fsynced (nothing visible has
///                       moved yet), after a last look at the lease
///           3 publish:  per path, the old data to staging/old/, then the new in (renames)
///           4 _SUCCESS, then the journal, staging/old and the staging directory are
///             removed
///  abort    the staging directory is removed; the location is as it was
/// ```
///
/// A crash before step 2 (or after the journal's removal in step 4) leaves a staging
/// directory without a journal: the next coordinator removes it, or adopts it when it
/// resumes the same job (the finished tasks' files are in it). A crash in between leaves a
/// journal: the next coordinator replays steps 3 and 4, each of which is idempotent, so
/// that every partition ends whole, old or new.
///
/// Fencing: a coordinator settles a location before it writes there. A staging directory
/// of a higher epoch means this coordinator was superseded: it stops. Those of lower epochs
/// are moved away (adopted, or renamed aside and removed), so that every later rename of
/// their paused or partitioned owner fails: nothing in this commit's staging ever moves
/// into the location except by the journal of its own epoch.
public final class OutputCommitter {
    public enum Mode: String, Codable, Sendable {
        /// INSERT INTO: files are added.
        case append
        /// INSERT OVERWRITE: the paths in `replace` are replaced.
        case overwrite
    }

    public static let stagingPrefix = ".sluice-staging-"
    static let trashPrefix = ".sluice-trash-"
    static let ownerFile = "_owner"

    public let location: String
    public let runID: String
    public let epoch: Int
    public let staging: String
    /// The lease whose epoch fences this commit.
    let lease: Lease
    /// Whether the staging directory was adopted from an earlier epoch of the same job.
    public private(set) var adopted = false
    /// The highest directory this run created for the location (removed again on abort).
    let created: String?
    /// Test-only: the commit step at which to wait to be killed (`sluice.test.commitPauseAt`).
    let pauseAt: String?
    /// Test-only: the commit step at which to stop with SIGSTOP (`sluice.test.commitStopAt`),
    /// to go on when continued.
    let stopAt: String?
    var finished = false

    /// Prepares `location` for a write by `epoch`: settles what earlier epochs left
    /// (adopting their staging directory when `adopt`), then creates the location (if
    /// needed) and this epoch's private staging directory.
    public init(location: String, runID: String, lease: Lease, adopt: Bool = false,
                pauseAt: String? = nil, stopAt: String? = nil, log: (String) -> Void) throws {
        self.location = location
        self.runID = runID
        self.epoch = lease.epoch
        self.lease = lease
        self.pauseAt = pauseAt
        self.stopAt = stopAt
        staging = location + "/" + Self.stagingName(lease)
        try lease.check()
        let settled = try Self.settle(location: location, lease: lease, host: lease.host, writing: true, adopt: adopt)
        for line in settled.lines { log(line) }
        var missing: String? = nil
        var probe = location
        while !probe.isEmpty, probe != "/", probe != ".", try !FileSystem.exists(probe) {
            missing = probe
            probe = FileSystem.parent(of: probe)
        }
        if missing != nil {
            do { try FileSystem.makeDirectories(location) } catch { throw IOError(error.operation, path: error.path, errno: error.errno, status: .cantCreate) }
        } else if try !FileSystem.isDirectory(location) {
            throw IOError("write into", path: location, errno: ENOTDIR, status: .cantCreate)
        }
        created = missing
        adopted = settled.adopted
        do {
            if !adopted { try FileSystem.makeDirectory(staging, mode: 0o700) }
            try? FileSystem.removeTree(staging + "/" + Self.ownerFile)
            let owner = "\(ProcessIdentity.current.text)\nhost \(lease.host.host)\nboot \(lease.host.bootID)\nepoch \(epoch)\nlease \(lease.path)\n"
            try FileSystem.writeNewFile(staging + "/" + Self.ownerFile, Array(owner.utf8))
        } catch {
            throw IOError(error.operation, path: error.path, errno: error.errno, status: .cantCreate)
        }
        // Created, then checked: a coordinator that took over after this check finds the
        // staging directory and moves it away before it writes here.
        try lease.verify()
    }

    /// `.sluice-staging-<epoch>-<tag>`: this lease's staging directory at a location.
    public static func stagingName(_ lease: Lease) -> String { stagingPrefix + "\(lease.epoch)-\(lease.tag)" }

    deinit { if !finished { abort() } }

    /// In an adopted staging directory: the finished tasks whose files are all there (at
    /// their attempt's path, or already assembled under `new/` by a commit that never
    /// reached its journal, whence they go back). What that commit left is then removed.
    public func reclaim(_ finished: [Int: [WrittenFile]]) throws -> [Int: [WrittenFile]] {
        var kept: [Int: [WrittenFile]] = [:]
        for (task, files) in finished {
            var whole = true
            for f in files {
                let path = staging + "/" + f.path
                if let st = try FileSystem.status(path), st.st_size == .init(f.bytes) { continue }
                let assembled = staging + "/new/" + (f.partition.isEmpty ? "" : f.partition + "/") + f.name
                if let st = try FileSystem.status(assembled), st.st_size == .init(f.bytes) {
                    try FileSystem.makeDirectories(FileSystem.parent(of: path), under: staging)
                    try FileSystem.rename(assembled, to: path)
                    continue
                }
                whole = false
            }
            if whole { kept[task] = files }
        }
        for leftover in ["new", "old", CommitJournal.fileName, "success"] {
            try FileSystem.removeTree(staging + "/" + leftover)
        }
        return kept
    }

    /// Removes the staging directory (and the location, if this run created it and it is
    /// empty): the location is left as it was.
    public func abort() {
        finished = true
        try? FileSystem.removeTree(staging)
        guard let created else { return }
        var dir = location
        while true {
            if rmdir(dir) != 0 { break }
            if dir == created { break }
            dir = FileSystem.parent(of: dir)
        }
    }

    /// Publishes the files of the committed attempts. `replace` lists the paths (relative
    /// to the location) whose old data the new replaces: the partitions written (dynamic
    /// overwrite), a static partition, or every entry of the location. Returns the paths
    /// published.
    @discardableResult
    public func commit(_ files: [WrittenFile], mode: Mode, replace: [String], journaled: () throws -> Void = {}) throws -> [String] {
        // 1. Assemble the new data under staging/new, invisibly.
        let new = staging + "/new"
        try lease.check()
        try FileSystem.makeDirectory(new, mode: 0o700)
        var publish: [String] = []
        var seen = Set<String>()
        for f in files {
            let dir = f.partition.isEmpty ? new : new + "/" + f.partition
            try FileSystem.makeDirectories(dir, under: staging)
            try FileSystem.rename(staging + "/" + f.path, to: dir + "/" + f.name)
            // Overwrites publish whole partition directories (or, unpartitioned, files);
            // appends publish files into directories that may exist.
            let path = mode == .overwrite && !f.partition.isEmpty ? f.partition : (f.partition.isEmpty ? f.name : f.partition + "/" + f.name)
            if seen.insert(path).inserted { publish.append(path) }
        }
        try Self.syncFileSystem(of: staging)
        try pause("staged")
        // 2. The journal: from here on the commit is rolled forward, never back.
        // The last look at the lease before the point of no return.
        try lease.verify()
        let journal = CommitJournal(runID: runID, aside: mode == .overwrite ? replace : [], publish: publish, epoch: epoch)
        try FileSystem.writeNewFile(staging + "/" + CommitJournal.fileName, try journal.encoded())
        // Journaled: whatever happens now, the staging directory stays for the roll-forward.
        finished = true
        try journaled()
        try pause("journaled")
        // 3 and 4.
        try Self.apply(journal, location: location, staging: staging, fence: { [lease] in try lease.check() }, pause: pause)
        finished = true
        return publish
    }

    /// Replays a journal: moves the old data aside and the new in, path by path, skipping
    /// what is done; writes `_SUCCESS`; removes the old data and the staging directory.
    static func apply(_ j: CommitJournal, location: String, staging: String, fence: () throws -> Void,
                      pause: (String) throws -> Void = { _ in }) throws {
        let publishing = Set(j.publish)
        let aside = Set(j.aside)
        var movedAny = false
        func moveAside(_ p: String) throws {
            let from = location + "/" + p, to = staging + "/old/" + p
            guard try FileSystem.exists(from), try !FileSystem.exists(to) else { return }
            try fence()
            // A path being replaced whose new data is no longer in staging was published.
            if publishing.contains(p), try !FileSystem.exists(staging + "/new/" + p) { return }
            // A parent of published paths (a static overwrite's `country=US`) went aside
            // before the first of them was published: once one is, it holds the new data.
            for q in j.publish where q.hasPrefix(p + "/") {
                if try !FileSystem.exists(staging + "/new/" + q) { return }
            }
            try FileSystem.makeDirectories(FileSystem.parent(of: to), under: staging)
            try FileSystem.rename(from, to: to)
            if !movedAny { movedAny = true; try pause("moved-aside") }
        }
        // Paths replaced by nothing (a static overwrite's other partitions, or the parent
        // of what it publishes) go first.
        for p in j.aside where !publishing.contains(p) { try moveAside(p) }
        for (i, p) in j.publish.enumerated() {
            if aside.contains(p) { try moveAside(p) }
            let from = staging + "/new/" + p
            if try FileSystem.exists(from) {
                try fence()
                try FileSystem.makeDirectories(FileSystem.parent(of: location + "/" + p))
                try FileSystem.rename(from, to: location + "/" + p)
            }
            if i + 1 == (j.publish.count + 1) / 2 { try pause("half-published") }
        }
        try FileSystem.syncDirectory(location)
        try pause("published")
        try fence()
        let marker = staging + "/success"
        try? FileSystem.removeTree(marker)
        try FileSystem.writeNewFile(marker, [])
        try FileSystem.rename(marker, to: location + "/_SUCCESS")
        try pause("succeeded")
        // The commit is complete: the journal goes first (and durably), then the old data.
        // A journal replayed after its old/ was removed would move aside again the paths
        // that are replaced by nothing of their own name, and a static overwrite's
        // `country=US` is also the parent of what it published. Without a journal the
        // staging directory holds only garbage, which the next run removes.
        try FileSystem.removeTree(staging + "/" + CommitJournal.fileName)
        try FileSystem.syncDirectory(staging)
        try pause("journal-removed")
        try FileSystem.removeTree(staging + "/old")
        try FileSystem.removeTree(staging)
    }

    /// Settles what earlier coordinators left at `location`, before this one reads
    /// (`writing` false: CREATE TABLE) or writes there.
    ///
    /// Staging directories of this lease: one of a higher epoch means that this coordinator
    /// was superseded (``StagingFencedError``); journaled commits of lower epochs are
    /// finished (rolled forward); when writing, the others are moved away: the newest is
    /// adopted as this epoch's when `adopt` (the same job resumed: its finished tasks' files
    /// are in it), the rest renamed aside and removed. Staging directories of another lease,
    /// or of any lease when this run holds none: only those whose owner is known dead (on
    /// this host and boot) are handled, their commit finished or their files removed.
    /// Returns a line per directory handled, and whether one was adopted.
    public static func settle(location: String, lease: Lease?, host: HostIdentity, writing: Bool,
                              adopt: Bool = false) throws -> (lines: [String], adopted: Bool) {
        guard try FileSystem.isDirectory(location) else { return ([], false) }
        var ours: [(epoch: Int, name: String)] = []
        var foreign: [String] = []
        for name in try FileSystem.listDirectory(location).sorted() {
            if name.hasPrefix(trashPrefix) {
                if writing { try? FileSystem.removeTree(location + "/" + name) }
                continue
            }
            guard name.hasPrefix(stagingPrefix) else { continue }
            let parts = name.dropFirst(stagingPrefix.count).split(separator: "-", maxSplits: 1)
            if let lease, parts.count == 2, let e = Int(parts[0]), parts[1] == lease.tag {
                ours.append((e, name))
            } else {
                foreign.append(name)
            }
        }
        if let lease, let higher = ours.map(\.epoch).filter({ $0 > lease.epoch }).max() {
            throw StagingFencedError(location: location, epoch: lease.epoch, higher: higher)
        }
        var lines: [String] = []
        func journal(_ name: String) throws -> CommitJournal? {
            try FileSystem.readFile(location + "/" + name + "/" + CommitJournal.fileName).flatMap(CommitJournal.decode)
        }
        func finish(_ j: CommitJournal, _ name: String, in dir: String, fence: () throws -> Void) throws {
            try apply(j, location: location, staging: dir, fence: fence)
            lines.append("recovered \(location): finished the commit of epoch \(j.epoch.map(String.init) ?? "-") (staging \(name)) that a crash or a takeover interrupted (\(j.publish.count) paths published)")
        }
        for name in foreign {
            let dir = location + "/" + name
            guard let text = try FileSystem.readFile(dir + "/" + ownerFile).map({ String(decoding: $0, as: UTF8.self) }),
                  let owner = ProcessIdentity(text: text) else { continue }
            let sameHost = !text.contains("\nhost ") || (text.contains("\nhost \(host.host)\n") && text.contains("\nboot \(host.bootID)\n"))
            guard sameHost, owner != ProcessIdentity.current, !owner.isAlive else { continue }
            if let j = try journal(name) {
                try finish(j, name, in: dir) {}
            } else {
                try FileSystem.removeTree(dir)
                lines.append("recovered \(location): removed \(name), which holds no commit to finish")
            }
        }
        guard let lease else { return (lines, false) }
        let mine = stagingName(lease)
        ours.sort { $0.epoch < $1.epoch }
        var journals: [String: CommitJournal] = [:]
        for s in ours { journals[s.name] = try journal(s.name) }
        let adoptable = adopt ? ours.last(where: { journals[$0.name] == nil && $0.name != mine })?.name : nil
        for s in ours {
            let dir = location + "/" + s.name
            // Moved first, so that its owner, if it still runs, can move nothing more.
            let trash = location + "/" + trashPrefix + "\(lease.epoch)-" + s.name.dropFirst(stagingPrefix.count)
            if let j = journals[s.name] {
                try lease.check()
                let replay = s.name == mine ? dir : trash
                if replay != dir { try FileSystem.rename(dir, to: replay) }
                try finish(j, s.name, in: replay) { try lease.check() }
            } else if !writing {
                continue
            } else if s.name == mine && adopt {
                // Adopted already, at an INSERT of this run that an earlier coordinator had
                // committed.
                return (lines, true)
            } else if s.name == adoptable {
                try FileSystem.rename(dir, to: location + "/" + mine)
                lines.append("resumed \(location): adopted the staging of epoch \(s.epoch) (\(s.name)) with its finished tasks' files")
                return (lines, true)
            } else {
                try FileSystem.rename(dir, to: trash)
                try? FileSystem.removeTree(trash)
                lines.append("recovered \(location): removed \(s.name), which holds no commit to finish")
            }
        }
        return (lines, false)
    }

    /// Makes every staged file durable before the journal can name it: one syncfs(2) of
    /// the file system that holds `path`.
    static func syncFileSystem(of path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw IOError("open", path: path, errno: errno) }
        defer { close(fd) }
        if sluice_syncfs(fd) != 0 { throw IOError("sync", path: path, errno: errno) }
    }

    /// Test-only (`sluice.test.commitPauseAt`, `sluice.test.commitStopAt`): announces the
    /// step on stderr, then waits to be killed, or stops itself until continued.
    func pause(_ step: String) throws {
        guard step == pauseAt || step == stopAt else { return }
        let line = "sluice: paused at commit step \(step)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        if step == stopAt {
            raise(SIGSTOP)
            return
        }
        while true { sleep(60) }
    }
}

/// A coordinator of a higher epoch writes at the location (exit 75): this one was
/// superseded and publishes nothing.
public struct StagingFencedError: SluiceError {
    public var location: String
    public var epoch: Int
    public var higher: Int
    public var exitStatus: ExitStatus { .tempFail }
    public var description: String {
        "\(location) is being written by a coordinator of epoch \(higher) (\(location)/\(OutputCommitter.stagingPrefix)\(higher)-...); this run holds epoch \(epoch), so it was superseded and publishes nothing. If no run is writing there and the lease directory was reset, remove that staging directory"
    }
}
