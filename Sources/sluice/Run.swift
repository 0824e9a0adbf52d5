import ArgumentParser
import SluiceRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a job file: its statements in order, printing each query's rows."
    )

    @Argument(help: "The job file (Spark SQL statements separated by ';').")
    var job: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        try reportingErrors {
            let script = try readTextFile(job)
            let runner = try JobRunner(options: RunOptions(format: output.resolvedFormat(), workers: execution.workers ?? 0, quiet: execution.quiet, settingOverrides: try execution.overrides()))
            defer { runner.close() }
            try runner.run(script: script, file: job)
        }
    }
}
