#if canImport(Glibc)
import Glibc
#endif

/// The files of a lease directory, and the only operations on them:
///
/// ```
///  epoch-<N>      the record of epoch N's holder: created exclusively by link(2) of a
///                 fsynced temporary file (never by rename, which would replace), then
///                 rewritten by rename(2) of a new temporary file at every renewal
///  journal-<N>    epoch N's journal of the job (finished tasks, commits)
///  .tmp-<...>     temporary files, unlinked once linked or renamed
/// ```
///
/// The highest epoch is the coordinator's, and its number the fencing token.
struct LeaseDirectory {
    let path: String

    static let epochPrefix = "epoch-"
    static let journalPrefix = "journal-"

    /// Creates the directory (0700; missing parents as usual) if it is missing.
    func prepare() throws {
        do {
            if try !FileSystem.exists(path) {
                try FileSystem.makeDirectories(FileSystem.parent(of: path))
                do { try FileSystem.makeDirectory(path, mode: 0o700) } catch where error.errno == EEXIST {}
            }
            guard try FileSystem.isDirectory(path) else { throw IOError("use as the lease directory", path: path, errno: ENOTDIR, status: .cantCreate) }
        } catch let e as IOError {
            throw LeaseDirectoryError(path: path, cause: e)
        }
    }

    func epochPath(_ n: Int) -> String { path + "/" + Self.epochPrefix + String(n) }
    func journalPath(_ n: Int) -> String { path + "/" + Self.journalPrefix + String(n) }

    /// The numbers of the files named `<prefix><N>`, in increasing order.
    func numbers(_ prefix: String) throws -> [Int] {
        try FileSystem.listDirectory(path).compactMap { name -> Int? in
            guard name.hasPrefix(prefix) else { return nil }
            let digits = name.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), digits.first != "0" || digits.count == 1 else { return nil }
            return Int(digits)
        }.sorted()
    }

    /// The highest epoch, 0 when there is none.
    func topEpoch() throws -> Int { try numbers(Self.epochPrefix).last ?? 0 }

    /// The bytes of epoch `n`'s record, or nil when the file is gone.
    func read(_ n: Int) throws -> [UInt8]? { try FileSystem.readFile(epochPath(n)) }

    /// Creates `epoch-<n>` holding `bytes`, exclusively: false when it exists already
    /// (another candidate won).
    func create(_ n: Int, _ bytes: [UInt8]) throws -> Bool {
        let temp = try writeTemporary(bytes)
        defer { unlink(temp) }
        let target = epochPath(n)
        if link(temp, target) != 0 {
            let e = errno
            if e == EEXIST { return false }
            // Over NFS a link can succeed with a lost reply: the temporary file then has two
            // names.
            if let st = try? FileSystem.status(temp), st.st_nlink == 2 { return true }
            throw LeaseDirectoryError(path: path, cause: IOError("create", path: target, errno: e, status: .cantCreate))
        }
        try FileSystem.syncDirectory(path)
        return true
    }

    /// Replaces `epoch-<n>`'s record (rename(2) of a fsynced temporary file: a reader sees
    /// the old record or the new, never a mix).
    func rewrite(_ n: Int, _ bytes: [UInt8]) throws {
        let temp = try writeTemporary(bytes)
        do {
            try FileSystem.rename(temp, to: epochPath(n))
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// Removes the epoch files below `n`, and temporary files a crash left. (Journals go
    /// once the new holder's journal has taken over what it needs.)
    func prune(below n: Int) {
        for e in (try? numbers(Self.epochPrefix)) ?? [] where e < n { unlink(epochPath(e)) }
        let now = time(nil)
        for name in (try? FileSystem.listDirectory(path)) ?? [] where name.hasPrefix(".tmp-") {
            // Another candidate's temporary file lives for milliseconds.
            if let st = try? FileSystem.status(path + "/" + name), now - st.st_mtim.tv_sec > 3600 { unlink(path + "/" + name) }
        }
    }

    private func writeTemporary(_ bytes: [UInt8]) throws -> String {
        let name = path + "/.tmp-\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        do throws(IOError) {
            let fd = try FileSystem.createExclusive(name, mode: 0o644)
            defer { close(fd) }
            try FileSystem.writeAll(fd, bytes, path: name)
            try FileSystem.sync(fd, path: name)
        } catch {
            unlink(name)
            throw LeaseDirectoryError(path: path, cause: error)
        }
        return name
    }
}

/// The lease directory cannot be created or written (exit 73): nothing was written.
public struct LeaseDirectoryError: SluiceError {
    public var path: String
    public var cause: IOError
    public var exitStatus: ExitStatus { .cantCreate }
    public var description: String {
        "cannot write the lease at '\(path)': \(cause.description). The lease directory holds the job's lease and journal: give --lease a directory this user can write, or make this one writable"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
