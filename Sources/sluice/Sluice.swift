import ArgumentParser
import SluiceRuntime
#if canImport(Glibc)
import Glibc
#endif

@main
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Run Spark SQL batch jobs over CSV files and Hive-style partition directories.",
        discussion: """
        Exit codes: 0 ok, 64 usage or SQL error, 65 data error, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error, 75 lease held elsewhere.
        """,
        subcommands: [Run.self, Query.self, Explain.self, LeaseCommand.self, Worker.self]
    )

    /// Parses and runs the command; usage errors go to stderr as `error: ...` with exit
    /// status 64, like every other error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                OutputStream.standardOutput.write(fullMessage(for: error) + "\n")
                OutputStream.standardOutput.flush()
                exit(withError: error)
            }
            if error is ExitCode { exit(withError: error) }
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            FileHandleStderr.write("error: \(message)\n")
            Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// Options shared by the commands that print results.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Result format: table, csv or json (default: table on a terminal, csv into a pipe).")
    var format: ResultFormat?

    func resolvedFormat() -> ResultFormat {
        format ?? (OutputStream.standardOutput.isTerminal ? .table : .csv)
    }
}

/// Options shared by the commands that execute.
struct ExecutionOptions: ParsableArguments {
    @Option(name: .long, help: "Worker count (default: the number of cores).")
    var workers: Int?

    @Option(name: .long, help: "Run tasks in worker processes (process, the default) or on threads (thread).")
    var mode: ExecutionMode?

    @Option(name: .long, help: ArgumentHelp("Memory for the run, divided between the supervisor and the workers; past it, aggregations, sorts and stage outputs spill to disk (default: half the machine's memory).", valueName: "size"))
    var memory: String?

    @Option(name: .long, help: ArgumentHelp("Where the run's private scratch directory (spill files) is created (default: $TMPDIR or /tmp).", valueName: "dir"))
    var scratch: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a Spark, Hive or sluice setting, as SET would.", valueName: "key=value"))
    var settings: [String] = []

    @Flag(name: .long, help: "Print no progress or log lines.")
    var quiet = false

    func overrides() throws -> [(String, String)] {
        var pairs: [(String, String)] = try settings.map { s in
            guard let eq = s.firstIndex(of: "=") else {
                throw ValidationError("--set needs KEY=VALUE, but got '\(s)'")
            }
            return (String(s[..<eq]).trimmingSpaces(), String(s[s.index(after: eq)...]))
        }
        if let mode { pairs.append(("sluice.mode", mode.rawValue)) }
        if let memory { pairs.append(("sluice.memory", memory)) }
        if let scratch { pairs.append(("sluice.scratch", scratch)) }
        return pairs
    }
}

extension ResultFormat: ExpressibleByArgument {}
extension ExecutionMode: ExpressibleByArgument {}

/// Runs `body`, turning a sluice error into its message on stderr and its exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as SluiceError {
        OutputStream.standardOutput.flush()
        FileHandleStderr.write("error: \(error.description)\n")
        throw ExitCode(error.exitStatus.rawValue)
    }
}

enum FileHandleStderr {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
    }
}

/// Reads a whole file as UTF-8 text.
func readTextFile(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        let code = errno
        throw IOError("read job file", path: path, errno: code, status: code == ENOENT ? .noInput : .ioError)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw IOError("read job file", path: path, errno: errno)
        }
        if n == 0 { break }
        bytes.append(contentsOf: buf[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
