#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls the CSV layer makes, each wrapped once: `EINTR` retried, `errno`
/// turned into a ``CSVError`` that names the path. Nothing else in the target touches a
/// raw descriptor.

/// A file open for reading; the descriptor is closed when the handle goes away.
final class InputFileHandle {
    let path: String
    private let fd: Int32

    /// open(2) with `O_RDONLY | O_CLOEXEC`.
    init(path: String) throws(CSVError) {
        self.path = path
        var f: Int32
        repeat { f = open(path, O_RDONLY | O_CLOEXEC) } while f < 0 && errno == EINTR
        if f < 0 {
            let e = errno
            if e == ENOENT { throw .pathNotFound(path: path) }
            throw .io(operation: "open", path: path, errno: e)
        }
        fd = f
    }

    deinit { close(fd) }

    /// pread(2) of up to `count` bytes at `offset`; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(CSVError) -> Int {
        while true {
            let n = pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io(operation: "read", path: path, errno: errno)
        }
    }

    /// The size of a regular file (fstat(2)); `nil` for anything else (a pipe, a device),
    /// which can only be read.
    func regularFileSize() -> Int64? {
        var st = stat()
        while fstat(fd, &st) != 0 {
            if errno == EINTR { continue }
            return nil
        }
        return (st.st_mode & S_IFMT) == S_IFREG ? Int64(st.st_size) : nil
    }

    /// mmap(2) of `count` bytes of the file from `offset` (private, read-only), followed by
    /// at least one page of zeros, so that loads a few bytes past the end of the file's
    /// bytes stay inside the mapping. `nil` when the system refuses (the caller reads
    /// instead). The bytes must lie within the file: a page wholly past its end faults.
    func map(offset: Int64, count: Int) -> MappedRegion? {
        MappedRegion(fd: fd, offset: offset, count: count)
    }

    /// Reads until `count` bytes or the end of the file.
    func readFully(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(CSVError) -> Int {
        var done = 0
        while done < count {
            let n = try read(into: buffer + done, count: count - done, at: offset + Int64(done))
            if n == 0 { break }
            done += n
        }
        return done
    }
}

/// Bytes of a file mapped into memory (mmap(2), `MAP_PRIVATE`, `PROT_READ`), read in
/// place instead of copied by read(2); unmapped (munmap(2)) when the region goes away.
///
/// ```
///  address space:  [ page-aligned start ... bytes ... | zero page(s) ]
///                  reserved anonymous first, then the file mapped over the front (MAP_FIXED)
/// ```
final class MappedRegion {
    /// The byte at the requested offset.
    let bytes: UnsafePointer<UInt8>
    /// Bytes of the file from `bytes` on.
    let count: Int
    private let base: UnsafeMutableRawPointer
    private let length: Int

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    fileprivate init?(fd: Int32, offset: Int64, count: Int) {
        let page = Self.pageSize
        let skip = Int(offset % Int64(page))
        let fileBytes = (skip + count + page - 1) / page * page
        let total = fileBytes + page
        guard let reserved = mmap(nil, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), reserved != MAP_FAILED else {
            return nil
        }
        guard let mapped = mmap(reserved, fileBytes, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, off_t(offset - Int64(skip))),
              mapped != MAP_FAILED else {
            munmap(reserved, total)
            return nil
        }
        base = reserved
        length = total
        bytes = UnsafePointer(mapped.assumingMemoryBound(to: UInt8.self) + skip)
        self.count = count
        // Read ahead of the scan and drop pages behind it (madvise(2); advice only).
        _ = madvise(reserved, fileBytes, MADV_SEQUENTIAL)
    }

    /// madvise(2) `MADV_WILLNEED` for `bytes[from ..< from + count]`: start reading it in.
    func willNeed(from: Int, count: Int) {
        let page = Self.pageSize
        let start = UnsafeRawPointer(bytes + from)
        let aligned = UnsafeMutableRawPointer(mutating: start - (Int(bitPattern: start) % page))
        let n = count + (start - UnsafeRawPointer(aligned))
        if n > 0 { _ = madvise(aligned, n, MADV_WILLNEED) }
    }

    deinit { munmap(base, length) }
}

/// A file open for writing (created or truncated, mode 0644), for rejected records.
final class OutputFileHandle {
    let path: String
    private let fd: Int32

    /// open(2) with `O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC`, mode 0644.
    init(path: String) throws(CSVError) {
        self.path = path
        var f: Int32
        repeat { f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) } while f < 0 && errno == EINTR
        if f < 0 { throw .cannotCreate(path: path, errno: errno) }
        fd = f
    }

    deinit { close(fd) }

    /// write(2) until every byte is written.
    func writeAll(_ bytes: [UInt8]) throws(CSVError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotCreate(path: path, errno: errno)
            }
            done += n
        }
    }
}

/// What stat(2) says about a path (symbolic links followed, as Hadoop's listing does).
struct FileStatus {
    var isDirectory: Bool
    var size: Int64
    var modificationSeconds: Int64
    var modificationNanoseconds: Int32
}

/// The calls that list input paths, with CSVError (the rest of the file-system calls are
/// SluiceCore's ``SluiceCore/FileSystem``).
enum PathLookup {
    /// stat(2), following symbolic links as Hadoop's listing does; `nil` when the path does
    /// not exist.
    static func status(_ path: String) throws(CSVError) -> FileStatus? {
        var st = stat()
        while stat(path, &st) != 0 {
            if errno == EINTR { continue }
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .io(operation: "stat", path: path, errno: errno)
        }
        #if canImport(Darwin)
        let mtime = st.st_mtimespec
        #else
        let mtime = st.st_mtim
        #endif
        return FileStatus(isDirectory: (st.st_mode & S_IFMT) == S_IFDIR, size: Int64(st.st_size),
                          modificationSeconds: Int64(mtime.tv_sec), modificationNanoseconds: Int32(mtime.tv_nsec))
    }

    /// The names in a directory (opendir(3)/readdir(3)), without `.` and `..`.
    static func list(_ path: String) throws(CSVError) -> [String] {
        do { return try FileSystem.listDirectory(path) } catch { throw .io(operation: "list directory", path: path, errno: error.errno) }
    }

    /// Paths matching a shell pattern (glob(3): `*`, `?`, `[...]` per path component), sorted.
    static func glob(_ pattern: String) throws(CSVError) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let rc = Glibc.glob(pattern, GLOB_BRACE, nil, &g)
        if rc == GLOB_NOMATCH { return [] }
        if rc != 0 { throw .io(operation: "expand the glob", path: pattern, errno: errno) }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }

    /// fnmatch(3) of a file name against a pattern.
    static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}

/// Whether a path contains glob metacharacters.
func isGlobPattern(_ path: String) -> Bool {
    path.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") }
}
