import ArgumentParser
import Foundation
import SluiceRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a job file: its statements in order, printing each query's rows."
    )

    @Argument(help: "The job file (Spark SQL statements separated by ';').")
    var job: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var execution: ExecutionOptions

    @Option(name: .long, help: ArgumentHelp("Write a JSON summary of the run (rows, files, stages, attempts, spill, exit status) to this file, also when the run fails.", valueName: "file"))
    var report: String?

    @Option(name: .long, help: ArgumentHelp("Write the run's figures in Prometheus text format to this file (for node_exporter's textfile collector), also when the run fails.", valueName: "file"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("The job's lease directory, which elects one coordinator among overlapping runs and holds the job's journal (default: .sluice/<name> beside the job's first output location).", valueName: "path"))
    var lease: String?

    @Flag(name: .long, help: "When a live coordinator holds the job, stand by and take over when its lease expires or is released.")
    var wait = false

    @Flag(name: .customLong("no-wait"), help: "When a live coordinator holds the job, exit at once with 75 (the default).")
    var noWait = false

    @Option(name: .customLong("wait-timeout"), help: ArgumentHelp("With --wait, give up with 75 after this long (e.g. 90s, 10m).", valueName: "duration"))
    var waitTimeout: String?

    func validate() throws {
        if wait && noWait { throw ValidationError("--wait and --no-wait exclude each other") }
        if let waitTimeout {
            guard wait else { throw ValidationError("--wait-timeout needs --wait") }
            guard let d = Settings.parseDuration(waitTimeout), d >= 0 else {
                throw ValidationError("--wait-timeout needs a duration such as 90s or 10m, but got '\(waitTimeout)'")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let started = Date()
            var runner: JobRunner? = nil
            defer { runner?.close() }
            var failure: Error? = nil
            do {
                let script = try readTextFile(job)
                runner = try JobRunner(options: RunOptions(format: output.resolvedFormat(), workers: execution.workers ?? 0, quiet: execution.quiet, settingOverrides: try execution.overrides(),
                                                     leasePath: lease, leaseWait: wait ? .wait(timeout: waitTimeout.flatMap(Settings.parseDuration)) : .noWait))
                try runner!.run(script: script, file: job)
            } catch {
                failure = error
            }
            if report != nil || metrics != nil {
                let status = failure.map { ($0 as? SluiceError)?.exitStatus.rawValue ?? 70 } ?? 0
                let text = failure.map { ($0 as? SluiceError)?.description ?? "\($0)" }
                let seconds = Date().timeIntervalSince(started)
                let summary = runner?.report(job: job, started: started, seconds: seconds, status: status, error: text)
                    ?? RunReport.empty(job: job, started: started, seconds: seconds, status: status, error: text)
                if let report { try RunReport.writeAtomically(try summary.json(), to: report) }
                if let metrics { try RunReport.writeAtomically(Array(summary.prometheus().utf8), to: metrics) }
            }
            if let failure { throw failure }
        }
    }
}
