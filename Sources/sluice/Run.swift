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

    func run() throws {
        try reportingErrors {
            let started = Date()
            var runner: JobRunner? = nil
            defer { runner?.close() }
            var failure: Error? = nil
            do {
                let script = try readTextFile(job)
                runner = try JobRunner(options: RunOptions(format: output.resolvedFormat(), workers: execution.workers ?? 0, quiet: execution.quiet, settingOverrides: try execution.overrides()))
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
