import CSluiceShims
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A worker process: `sluice worker` spawned from this very executable with
/// posix_spawn, talking over two dedicated pipes (never stdin or stdout).
///
/// The pipes are created close-on-exec; the child gets only its own ends, moved to fds 3
/// (commands in) and 4 (results out), and every other descriptor is closed in the child
/// (`posix_spawn_file_actions_addclosefrom_np`). Signal dispositions are reset in the
/// child (the supervisor ignores SIGPIPE; the worker must not).
public final class WorkerProcess: @unchecked Sendable {
    public let pid: pid_t
    /// Supervisor → worker.
    public let commands: FileDescriptor
    /// Worker → supervisor.
    public let results: FileDescriptor
    public let writer: FrameWriter
    private var reaped = false

    init(pid: pid_t, commands: FileDescriptor, results: FileDescriptor) {
        self.pid = pid
        self.commands = commands
        self.results = results
        writer = FrameWriter(fd: commands)
    }

    /// The path of the running executable (`/proc/self/exe`).
    static let executablePath: String = {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }()

    /// Ignores SIGPIPE in this process, so that a dead worker's pipe gives EPIPE instead of
    /// killing the supervisor. Once, before the first spawn.
    static let ignoreSIGPIPE: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN); return () }()

    /// Spawns a worker. `arguments` follow the executable path (e.g. `worker`).
    public static func spawn(arguments: [String]) throws -> WorkerProcess {
        _ = ignoreSIGPIPE
        var toChild = try pipe()
        var fromChild = try pipe()
        // The child's ends move above the fds they are duplicated to: dup2 onto the same
        // number would leave close-on-exec set, and the child would start without them.
        toChild.read = try raise(toChild.read)
        fromChild.write = try raise(fromChild.write)
        // Children's ends go to fds 3 and 4; our ends stay close-on-exec.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // No stdin, and no stdout: results travel on the pipes only, and a worker must not
        // hold the user's output pipe open. stderr stays, for a crash's last words.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, toChild.read.rawValue, 3)
        posix_spawn_file_actions_adddup2(&actions, fromChild.write.rawValue, 4)
        let closeFrom = sluice_spawn_addclosefrom(&actions, 5)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attr, &mask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let path = executablePath
        let argv = [path] + arguments
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        // posix_spawn returns its error code; errno is not set.
        let rc = posix_spawn(&pid, path, &actions, &attr, &cargs, environ)
        try? toChild.read.close()
        try? fromChild.write.close()
        if rc != 0 || closeFrom != 0 && closeFrom != ENOSYS {
            try? toChild.write.close()
            try? fromChild.read.close()
            throw IOError("spawn a worker process", path: path, errno: rc != 0 ? rc : closeFrom, status: .software)
        }
        return WorkerProcess(pid: pid, commands: toChild.write, results: fromChild.read)
    }

    /// A pipe with both ends close-on-exec, its buffer raised to 1 MiB where allowed.
    static func pipe() throws -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [0, 0]
        guard sluice_pipe_cloexec(&fds) == 0 else { throw IOError("create a pipe", path: "pipe", errno: errno, status: .software) }
        _ = sluice_set_pipe_size(fds[1], 1 << 20)
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// The same pipe end at a descriptor of 10 or more, close-on-exec.
    static func raise(_ fd: FileDescriptor) throws -> FileDescriptor {
        let high = fcntl(fd.rawValue, F_DUPFD_CLOEXEC, 10)
        guard high >= 0 else { throw IOError("duplicate a pipe", path: "pipe", errno: errno, status: .software) }
        try? fd.close()
        return FileDescriptor(rawValue: high)
    }

    /// Sends a signal (SIGKILL to replace a worker, SIGTERM to stop).
    public func signal(_ sig: Int32) {
        if !reaped { kill(pid, sig) }
    }

    /// Waits for the process to exit (after EOF or a kill), so that no zombie is left.
    public func reap() {
        if reaped { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }

    /// Closes our ends of the pipes.
    public func closePipes() {
        try? commands.close()
        try? results.close()
    }
}
