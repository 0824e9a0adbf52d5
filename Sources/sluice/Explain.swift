import ArgumentParser
import SluiceRuntime
#if canImport(Glibc)
import Glibc
#endif

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each query's logical plan, optimized plan and stages, without running it.",
        discussion: "With --spark, print the job as portable Spark SQL instead: `spark-sql -f` on that text gives the result sluice gives."
    )

    @Argument(help: "The job file.")
    var job: String

    @Flag(name: .long, help: "Print the job as Spark SQL, with sluice's defaults spelled out, paths absolute and path sources as views. Reads no data.")
    var spark = false

    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        try reportingErrors {
            let script = try readTextFile(job)
            let text: String
            if spark {
                text = try sparkScript(script)
            } else {
                let runner = try JobRunner(options: RunOptions(format: .table, workers: execution.workers ?? 0, settingOverrides: try execution.overrides()))
                text = try runner.explain(script: script, file: job)
            }
            OutputStream.standardOutput.write(text)
            OutputStream.standardOutput.flush()
        }
    }

    /// `explain --spark`: the statements and settings alone, exported for Spark.
    private func sparkScript(_ script: String) throws -> String {
        var settings = Settings()
        for (key, value) in try execution.overrides() { try settings.set(key, value) }
        let export = SparkExport(settings: settings, workingDirectory: try currentDirectory())
        do {
            return try export.script(try parseScript(script))
        } catch var error {
            error.file = job
            throw error
        }
    }
}

/// The current directory (getcwd(3)), which relative paths in a job are read against.
func currentDirectory() throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else {
        throw IOError("find the current directory", path: ".", errno: errno)
    }
    return String(cString: buffer)
}
