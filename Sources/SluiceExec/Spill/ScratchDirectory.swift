#if canImport(Glibc)
import Glibc
#endif
import SluiceCore
import Synchronization

/// A private directory for one run's scratch files (spilled aggregation partitions, sorted
/// runs, shuffle buffers): `<base>/sluice-scratch-<pid>-<random>`, mode 0700, created fresh
/// (an existing directory is never reused) and removed at the end of the run.
///
/// A run that crashes leaves its directory behind; the next run calls
/// ``removeStale(base:)``, which removes the directories of processes that no longer exist.
public final class ScratchDirectory: Sendable {
    /// Names of scratch directories start with this, then `<pid>-<random>`.
    public static let namePrefix = "sluice-scratch-"

    public let path: String
    /// Put before every file name: a worker process uses the supervisor's directory and
    /// names its files `w<pid>-...`, so that no two processes pick the same name.
    private let fileTag: String
    private let nextFile = Atomic<Int>(0)

    /// Creates `<base>/sluice-scratch-<pid>-<random>` with mkdir(2), mode 0700. `base`
    /// defaults to ``defaultBase()``; it must exist.
    public convenience init(base: String? = nil) throws(IOError) {
        let random = UInt64.random(in: 0...UInt64.max)
        let hex = String(random, radix: 16)
        let name = "\(Self.namePrefix)\(getpid())-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
        try self.init(base: base ?? Self.defaultBase(), name: name)
    }

    /// Creates `<base>/<name>`; fails with EEXIST when it exists.
    init(base: String, name: String) throws(IOError) {
        let dir = base.hasSuffix("/") ? base + name : base + "/" + name
        try FileSystem.call("create the scratch directory", dir) { mkdir(dir, 0o700) }
        // mkdir(2) applies the umask, which could take the owner's own bits away.
        try FileSystem.call("set the mode of", dir) { chmod(dir, 0o700) }
        path = dir
        fileTag = ""
    }

    /// The directory another process of the run created (the supervisor's, for a worker):
    /// this process's files in it are named `w<pid>-<prefix>-<n>`. The directory is its
    /// creator's to remove.
    public init(adopting path: String) {
        self.path = path
        fileTag = "w\(getpid())-"
    }

    /// `$TMPDIR` when set and not empty, else `/tmp` (read once by the caller that creates
    /// the run's directory, never per spill).
    public static func defaultBase() -> String {
        if let p = getenv("TMPDIR"), p.pointee != 0 { return String(cString: p) }
        return "/tmp"
    }

    /// A path for a new file in this directory: `<prefix>-<n><suffix>`, `n` unique for the
    /// directory's lifetime (safe from any thread).
    public func newFilePath(prefix: String = "spill", suffix: String = ".zst") -> String {
        let n = nextFile.add(1, ordering: .relaxed).newValue
        return "\(path)/\(fileTag)\(prefix)-\(n)\(suffix)"
    }

    /// Deletes the directory and everything in it (symbolic links are removed, never followed).
    public func remove() throws(IOError) {
        try FileSystem.removeTree(path)
    }

    /// Removes the `sluice-scratch-<pid>-*` directories in `base` that belong to this user and
    /// whose process is gone (kill(2) with signal 0 says ESRCH); the removed paths, sorted.
    /// A live process, or a reused pid, keeps its directory: removal errs on the safe side.
    @discardableResult
    public static func removeStale(base: String? = nil) throws(IOError) -> [String] {
        let base = base ?? defaultBase()
        var removed: [String] = []
        for name in try FileSystem.listDirectory(base) {
            guard let pid = ownerPid(ofName: name), pid != getpid(), !isAlive(pid) else { continue }
            let dir = base.hasSuffix("/") ? base + name : base + "/" + name
            var st = stat()
            guard lstat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid() else { continue }
            try FileSystem.removeTree(dir)
            removed.append(dir)
        }
        return removed.sorted()
    }

    /// The pid in `sluice-scratch-<pid>-<random>`, or nil when the name is not one of ours.
    static func ownerPid(ofName name: String) -> pid_t? {
        guard name.hasPrefix(namePrefix) else { return nil }
        let rest = name.dropFirst(namePrefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0,
              rest.index(after: dash) < rest.endIndex else { return nil }
        return pid
    }

    /// kill(2) with signal 0: a process exists unless the answer is ESRCH.
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
