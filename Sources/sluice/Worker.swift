import ArgumentParser
import SluiceRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `sluice worker`: the process the supervisor spawns; it talks over fds 3 and 4 only.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run tasks for a supervisor (started by sluice itself).",
        shouldDisplay: false
    )

    @Option(help: "The supervisor's process id.")
    var parent: Int32

    @Option(help: ArgumentHelp("Fault injection for tests: write garbage to the result pipe after this many output frames.", visibility: .hidden))
    var garbageAfter: Int?

    func run() throws {
        Glibc.exit(WorkerMain.run(parent: parent, garbageAfter: garbageAfter))
    }
}
