#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system calls, each wrapped once: EINTR retried, errno turned into ``IOError`` with
/// the operation and path, directories walked relative to open descriptors.
public enum FileSystem {
    /// Runs `body` until it does not fail with EINTR; a negative result is an error.
    public static func call(_ operation: String, _ path: String, _ body: () -> Int32) throws(IOError) {
        while body() != 0 {
            let e = errno
            if e == EINTR { continue }
            throw IOError(operation, path: path, errno: e)
        }
    }

    /// The entries of a directory, without `.` and `..` (opendir(3), readdir(3)).
    public static func listDirectory(_ path: String) throws(IOError) -> [String] {
        var dir: OpaquePointer?
        repeat { dir = opendir(path) } while dir == nil && errno == EINTR
        guard let dir else { throw IOError("list", path: path, errno: errno) }
        defer { closedir(dir) }
        return directoryEntryNames(dir)
    }

    /// Removes `path` and, for a directory, all it holds, relative to open directory
    /// descriptors (openat(2), unlinkat(2)) so that a symbolic link swapped in midway is
    /// unlinked, not followed. Entries that vanish meanwhile are fine.
    public static func removeTree(_ path: String) throws(IOError) {
        var fd = openDirectory(AT_FDCWD, path)
        if fd < 0 && errno == EACCES && chmod(path, 0o700) == 0 { fd = openDirectory(AT_FDCWD, path) }
        if fd < 0 {
            if errno == ENOENT { return }
            if errno == ENOTDIR || errno == ELOOP {
                try call("remove", path) { unlink(path) }
                return
            }
            throw IOError("open", path: path, errno: errno)
        }
        try removeContents(of: fd, path: path)
        while rmdir(path) != 0 {
            if errno == EINTR { continue }
            if errno == ENOENT { return }
            throw IOError("remove", path: path, errno: errno)
        }
    }

    /// openat(2) of a directory, `O_NOFOLLOW`: a symbolic link fails with ELOOP or ENOTDIR.
    public static func openDirectory(_ parent: Int32, _ name: String) -> Int32 {
        var fd: Int32
        repeat { fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) } while fd < 0 && errno == EINTR
        return fd
    }

    /// Empties the directory open as `fd`, which this call closes.
    public static func removeContents(of fd: Int32, path: String) throws(IOError) {
        guard let dir = fdopendir(fd) else {
            let e = errno
            close(fd)
            throw IOError("list", path: path, errno: e)
        }
        defer { closedir(dir) }
        let parent = dirfd(dir)
        for name in directoryEntryNames(dir) {
            let child = path + "/" + name
            var st = stat()
            if fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
                if errno == ENOENT { continue }
                throw IOError("inspect", path: child, errno: errno)
            }
            if st.st_mode & S_IFMT == S_IFDIR {
                var sub = openDirectory(parent, name)
                // A directory of ours without read or search permission (mode 000): give the
                // owner's bits back so that it can be emptied.
                if sub < 0 && errno == EACCES && fchmodat(parent, name, 0o700, 0) == 0 { sub = openDirectory(parent, name) }
                if sub < 0 {
                    if errno == ENOENT { continue }
                    throw IOError("open", path: child, errno: errno)
                }
                try removeContents(of: sub, path: child)
                if unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
                    throw IOError("remove", path: child, errno: errno)
                }
            } else if unlinkat(parent, name, 0) != 0 && errno != ENOENT {
                throw IOError("remove", path: child, errno: errno)
            }
        }
    }

    /// lstat(2): nil when nothing is at `path`.
    public static func status(_ path: String) throws(IOError) -> stat? {
        var st = stat()
        while lstat(path, &st) != 0 {
            if errno == EINTR { continue }
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw IOError("inspect", path: path, errno: errno)
        }
        return st
    }

    /// Whether `path` is a directory (a symbolic link is not followed).
    public static func isDirectory(_ path: String) throws(IOError) -> Bool {
        guard let st = try status(path) else { return false }
        return st.st_mode & S_IFMT == S_IFDIR
    }

    /// Whether anything is at `path` (a dangling symbolic link counts).
    public static func exists(_ path: String) throws(IOError) -> Bool { try status(path) != nil }

    /// mkdir(2) with `mode` and then chmod(2) to it, since the umask may take bits away;
    /// fails with EEXIST when anything is there (`O_EXCL` in spirit).
    public static func makeDirectory(_ path: String, mode: mode_t) throws(IOError) {
        try call("create the directory", path) { mkdir(path, mode) }
        try call("set the mode of", path) { chmod(path, mode) }
    }

    /// `mkdir -p`: each missing directory of `path` is made with `mode` (umask applied, as
    /// for any directory a user's program creates); existing ones are kept.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o777) throws(IOError) {
        try makeMissing(path.split(separator: "/"), below: path.hasPrefix("/") ? "/" : "", mode: mode)
    }

    /// Creates the directories of `path` below `base`, which must exist already: a path
    /// under a staging directory that another coordinator moved away or removed fails with
    /// ENOENT instead of bringing the staging directory back.
    public static func makeDirectories(_ path: String, under base: String, mode: mode_t = 0o777) throws(IOError) {
        guard path.hasPrefix(base + "/") else {
            if path == base, try isDirectory(base) { return }
            throw IOError("create the directory", path: path, errno: ENOENT, status: .cantCreate)
        }
        try makeMissing(path.dropFirst(base.count + 1).split(separator: "/"), below: base, mode: mode)
    }

    /// mkdir(2) of `base/parts[0]`, then of each next component, keeping those that exist
    /// as directories.
    private static func makeMissing(_ parts: [Substring], below base: String, mode: mode_t) throws(IOError) {
        var prefix = base
        for part in parts {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            while mkdir(prefix, mode) != 0 {
                if errno == EINTR { continue }
                if errno == EEXIST {
                    if try isDirectory(prefix) { break }
                    throw IOError("create the directory", path: prefix, errno: ENOTDIR, status: .cantCreate)
                }
                throw IOError("create the directory", path: prefix, errno: errno, status: .cantCreate)
            }
        }
    }

    /// rename(2), atomic within a file system.
    public static func rename(_ from: String, to: String) throws(IOError) {
        while Glibc.rename(from, to) != 0 {
            if errno == EINTR { continue }
            throw IOError("move", path: "\(from)' to '\(to)", errno: errno)
        }
    }

    /// open(2) with `O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW`: a new file, never
    /// an existing one or a link's target. The descriptor is the caller's to close.
    public static func createExclusive(_ path: String, mode: mode_t = 0o644) throws(IOError) -> Int32 {
        var fd: Int32
        repeat { fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode) } while fd < 0 && errno == EINTR
        if fd < 0 { throw IOError("create", path: path, errno: errno, status: .cantCreate) }
        return fd
    }

    /// write(2) until every byte is written.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(IOError) {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError("write", path: path, errno: errno)
            }
            done += n
        }
    }

    /// Writes all of `bytes` to `fd`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(IOError) {
        var result: Result<Void, IOError> = .success(())
        bytes.withUnsafeBytes { b in result = Result { () throws(IOError) in try writeAll(fd, b, path: path) } }
        try result.get()
    }

    /// fsync(2).
    public static func sync(_ fd: Int32, path: String) throws(IOError) {
        try call("sync", path) { fsync(fd) }
    }

    /// Makes a directory's entries durable: open it and fsync(2) it.
    public static func syncDirectory(_ path: String) throws(IOError) {
        let fd = openDirectory(AT_FDCWD, path)
        if fd < 0 { throw IOError("open", path: path, errno: errno) }
        defer { close(fd) }
        try call("sync", path) { fsync(fd) }
    }

    /// Writes a new file whole and makes it durable: created exclusively, written, fsynced,
    /// closed, then its directory fsynced.
    public static func writeNewFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(IOError) {
        let fd = try createExclusive(path, mode: mode)
        do throws(IOError) {
            try writeAll(fd, bytes, path: path)
            try sync(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try syncDirectory(parent(of: path))
    }

    /// The whole content of a file, or nil when it does not exist.
    public static func readFile(_ path: String) throws(IOError) -> [UInt8]? {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IOError("open", path: path, errno: errno)
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError("read", path: path, errno: errno)
            }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    /// The directory part of a path (`a/b/c` → `a/b`, `c` → `.`, `/c` → `/`).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
