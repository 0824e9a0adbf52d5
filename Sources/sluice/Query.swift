import ArgumentParser
import SluiceRuntime

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one query and print its rows.",
        discussion: "Files are named in FROM as csv.`path` (a file, a directory or a glob); their first line is the header."
    )

    @Argument(help: "The query, e.g. \"SELECT country, count(*) FROM csv.`data/events` GROUP BY country\".")
    var sql: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var execution: ExecutionOptions

    func run() throws {
        try reportingErrors {
            let runner = try JobRunner(options: RunOptions(format: output.resolvedFormat(), workers: execution.workers ?? 0, quiet: execution.quiet, settingOverrides: try execution.overrides()))
            defer { runner.close() }
            try runner.query(sql)
        }
    }
}
