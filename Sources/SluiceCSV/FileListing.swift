/// One data file found under a path, before partition values are typed.
struct ListedFile {
    var path: String
    var status: FileStatus
    /// The directory partition discovery walks up to (and not past).
    var base: String
}

/// Lists the data files of a path as Spark's `InMemoryFileIndex` does: a file, a directory
/// read recursively, or a glob (`*`, `?`, `[...]`, `{a,b}` per path component). Names
/// starting with `.` or `_` (unless they contain `=`) and names ending in `._COPYING_` are
/// skipped inside directories; files come out sorted by path.
enum FileListing {
    static let compressedExtensions = [".gz", ".bz2", ".deflate", ".lz4", ".snappy", ".zst", ".xz", ".zstd", ".br"]

    static func list(path: String, options: CSVOptions) throws(CSVError) -> [ListedFile] {
        var roots: [String]
        if isGlobPattern(path) {
            roots = try PathLookup.glob(path).filter { !isHidden(lastComponent($0)) || isHidden(lastComponent(path)) }
            if roots.isEmpty { throw .pathNotFound(path: path) }
        } else {
            roots = [path]
        }
        var files: [ListedFile] = []
        for root in roots {
            guard let st = try PathLookup.status(root) else { throw .pathNotFound(path: root) }
            let trimmed = trimTrailingSlashes(root)
            if st.isDirectory {
                try walk(trimmed, base: options.basePath.map(trimTrailingSlashes) ?? trimmed, options: options, into: &files)
            } else {
                try add(trimmed, st, base: options.basePath.map(trimTrailingSlashes) ?? parent(trimmed), options: options, into: &files)
            }
        }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return files
    }

    private static func walk(_ dir: String, base: String, options: CSVOptions, into files: inout [ListedFile]) throws(CSVError) {
        for name in try PathLookup.list(dir).sorted() where !isHidden(name) {
            let child = dir + "/" + name
            guard let st = try PathLookup.status(child) else { continue } // removed meanwhile, or a dangling link
            if st.isDirectory {
                try walk(child, base: base, options: options, into: &files)
            } else {
                try add(child, st, base: base, options: options, into: &files)
            }
        }
    }

    private static func add(_ path: String, _ st: FileStatus, base: String, options: CSVOptions, into files: inout [ListedFile]) throws(CSVError) {
        let name = lastComponent(path)
        if let filter = options.pathGlobFilter, !PathLookup.matches(name, pattern: filter) { return }
        let mtime = st.modificationSeconds * DateTime.microsPerSecond + Int64(st.modificationNanoseconds / 1000)
        if let before = options.modifiedBefore, mtime >= before { return }
        if let after = options.modifiedAfter, mtime <= after { return }
        let lower = name.lowercased()
        if compressedExtensions.contains(where: { lower.hasSuffix($0) }) { throw .compressedInput(path: path) }
        files.append(ListedFile(path: path, status: st, base: base))
    }

    /// Spark's `InMemoryFileIndex.shouldFilterOutPathName`.
    static func isHidden(_ name: String) -> Bool {
        let exclude = (name.hasPrefix("_") && !name.contains("=")) || name.hasPrefix(".") || name.hasSuffix("._COPYING_")
        let include = name.hasPrefix("_common_metadata") || name.hasPrefix("_metadata")
        return exclude && !include
    }

    static func lastComponent(_ path: String) -> String {
        let t = trimTrailingSlashes(path)
        if let slash = t.lastIndex(of: "/") { return String(t[t.index(after: slash)...]) }
        return t
    }

    static func parent(_ path: String) -> String {
        if let slash = path.lastIndex(of: "/") {
            return slash == path.startIndex ? "/" : String(path[..<slash])
        }
        return "."
    }

    static func trimTrailingSlashes(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
