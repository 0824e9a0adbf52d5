import ArgumentParser
import SluiceRuntime

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each query's logical plan, optimized plan and stages, without running it."
    )

    @Argument(help: "The job file.")
    var job: String

    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        try reportingErrors {
            let script = try readTextFile(job)
            let runner = try JobRunner(options: RunOptions(format: .table, workers: execution.workers ?? 0, settingOverrides: try execution.overrides()))
            let text = try runner.explain(script: script, file: job)
            OutputStream.standardOutput.write(text)
            OutputStream.standardOutput.flush()
        }
    }
}
