import CSluiceShims
#if canImport(Glibc)
import Glibc
#endif

/// Stages and publishes the output of one INSERT at one location.
///
/// ```
///  begin    recover what a crashed run left; create <location>/.sluice-staging-<run>
///           (0700, exclusively) with an owner file
///  (tasks)  each attempt writes under staging/attempt-<id>/
///  commit   1 assemble: the committed attempts' files into staging/new/<partition>/
///           2 journal:  staging/_commit.json, fsynced (nothing visible has moved yet)
///           3 publish:  per path, the old data to staging/old/, then the new in (renames)
///           4 _SUCCESS, then the journal, staging/old and the staging directory are
///             removed
///  abort    the staging directory is removed; the location is as it was
/// ```
///
/// A crash before step 2 (or after the journal's removal in step 4) leaves a staging
/// directory without a journal: the next run removes it. A crash in between leaves a
/// journal: the next run replays steps 3 and 4, each of which is idempotent, so that
/// every partition ends whole, old or new.
public final class OutputCommitter {
    public enum Mode: String, Codable, Sendable {
        /// INSERT INTO: files are added.
        case append
        /// INSERT OVERWRITE: the paths in `replace` are replaced.
        case overwrite
    }

    public static let stagingPrefix = ".sluice-staging-"
    static let ownerFile = "_owner"

    public let location: String
    public let runID: String
    public let staging: String
    /// The highest directory this run created for the location (removed again on abort).
    let created: String?
    /// Test-only: the commit step at which to stop and wait to be killed.
    let pauseAt: String?
    var finished = false

    /// Prepares `location` for a write: finishes or removes what crashed runs left, then
    /// creates the location (if needed) and this run's private staging directory.
    public init(location: String, runID: String, pauseAt: String? = nil, log: (String) -> Void) throws {
        self.location = location
        self.runID = runID
        self.pauseAt = pauseAt
        for line in try Self.recover(location: location) { log(line) }
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
        staging = location + "/" + Self.stagingPrefix + runID
        do {
            try FileSystem.makeDirectory(staging, mode: 0o700)
            try FileSystem.writeNewFile(staging + "/" + Self.ownerFile, Array((ProcessIdentity.current.text + "\n").utf8))
        } catch {
            throw IOError(error.operation, path: error.path, errno: error.errno, status: .cantCreate)
        }
    }

    deinit { if !finished { abort() } }

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
    public func commit(_ files: [WrittenFile], mode: Mode, replace: [String], epoch: Int? = nil) throws -> [String] {
        // 1. Assemble the new data under staging/new, invisibly.
        let new = staging + "/new"
        try FileSystem.makeDirectory(new, mode: 0o700)
        var publish: [String] = []
        var seen = Set<String>()
        for f in files {
            let dir = f.partition.isEmpty ? new : new + "/" + f.partition
            try FileSystem.makeDirectories(dir)
            try FileSystem.rename(staging + "/" + f.path, to: dir + "/" + f.name)
            // Overwrites publish whole partition directories (or, unpartitioned, files);
            // appends publish files into directories that may exist.
            let path = mode == .overwrite && !f.partition.isEmpty ? f.partition : (f.partition.isEmpty ? f.name : f.partition + "/" + f.name)
            if seen.insert(path).inserted { publish.append(path) }
        }
        try Self.syncFileSystem(of: staging)
        try pause("staged")
        // 2. The journal: from here on the commit is rolled forward, never back.
        let journal = CommitJournal(runID: runID, aside: mode == .overwrite ? replace : [], publish: publish, epoch: epoch)
        try FileSystem.writeNewFile(staging + "/" + CommitJournal.fileName, try journal.encoded())
        try pause("journaled")
        // 3 and 4.
        try Self.apply(journal, location: location, staging: staging, pause: pause)
        finished = true
        return publish
    }

    /// Replays a journal: moves the old data aside and the new in, path by path, skipping
    /// what is done; writes `_SUCCESS`; removes the old data and the staging directory.
    static func apply(_ j: CommitJournal, location: String, staging: String, pause: (String) throws -> Void = { _ in }) throws {
        let publishing = Set(j.publish)
        let aside = Set(j.aside)
        var movedAny = false
        func moveAside(_ p: String) throws {
            let from = location + "/" + p, to = staging + "/old/" + p
            guard try FileSystem.exists(from), try !FileSystem.exists(to) else { return }
            // A path being replaced whose new data is no longer in staging was published.
            if publishing.contains(p), try !FileSystem.exists(staging + "/new/" + p) { return }
            // A parent of published paths (a static overwrite's `country=US`) went aside
            // before the first of them was published: once one is, it holds the new data.
            for q in j.publish where q.hasPrefix(p + "/") {
                if try !FileSystem.exists(staging + "/new/" + q) { return }
            }
            try FileSystem.makeDirectories(FileSystem.parent(of: to))
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
                try FileSystem.makeDirectories(FileSystem.parent(of: location + "/" + p))
                try FileSystem.rename(from, to: location + "/" + p)
            }
            if i + 1 == (j.publish.count + 1) / 2 { try pause("half-published") }
        }
        try FileSystem.syncDirectory(location)
        try pause("published")
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

    /// What `recover` did at a location, a line per staging directory it handled. The
    /// staging directories of live runs are left alone.
    public static func recover(location: String) throws -> [String] {
        guard try FileSystem.isDirectory(location) else { return [] }
        var lines: [String] = []
        for name in try FileSystem.listDirectory(location).sorted() where name.hasPrefix(stagingPrefix) {
            let dir = location + "/" + name
            if let owner = try FileSystem.readFile(dir + "/" + ownerFile).flatMap({ ProcessIdentity(text: String(decoding: $0, as: UTF8.self)) }),
               owner != ProcessIdentity.current, owner.isAlive {
                continue
            }
            if let bytes = try FileSystem.readFile(dir + "/" + CommitJournal.fileName), let journal = CommitJournal.decode(bytes) {
                try apply(journal, location: location, staging: dir)
                lines.append("recovered \(location): finished the commit of run \(journal.runID) that a crash interrupted (\(journal.publish.count) paths published)")
            } else {
                try FileSystem.removeTree(dir)
                lines.append("recovered \(location): removed the staging of run \(name.dropFirst(stagingPrefix.count)), which holds no commit to finish")
            }
        }
        return lines
    }

    /// Makes every staged file durable before the journal can name it: one syncfs(2) of
    /// the file system that holds `path`.
    static func syncFileSystem(of path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw IOError("open", path: path, errno: errno) }
        defer { close(fd) }
        if sluice_syncfs(fd) != 0 { throw IOError("sync", path: path, errno: errno) }
    }

    /// Test-only (`sluice.test.commitPauseAt`): announces the step on stderr and waits to
    /// be killed.
    func pause(_ step: String) throws {
        guard step == pauseAt else { return }
        let line = "sluice: paused at commit step \(step)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        while true { sleep(60) }
    }
}
