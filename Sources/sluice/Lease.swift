import ArgumentParser
import Foundation
import SluiceRuntime

struct LeaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Inspect a job's lease.",
        subcommands: [Status.self]
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the holder, epoch, age and state (held, expired, released, unknown, free) of a lease.",
            discussion: "PATH is the lease directory: --lease of `sluice run`, by default a .sluice/<name> folder beside the job's first output location."
        )

        @Argument(help: "The lease directory.")
        var path: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @Option(name: .customLong("set"), help: ArgumentHelp("A sluice.lease.* setting, as `sluice run --set` takes it.", valueName: "key=value"))
        var settings: [String] = []

        func run() throws {
            try reportingErrors {
                var s = Settings()
                for pair in settings {
                    guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--set needs KEY=VALUE, but got '\(pair)'") }
                    try s.set(String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
                }
                let (view, byFileTime) = try LeaseStatus.look(path: path, settings: s)
                let r = view.record
                let age = (view.age * 10).rounded() / 10
                if json {
                    var object: [String: Any] = ["path": path, "state": view.state.rawValue, "epoch": view.epoch, "reason": view.reason]
                    if view.epoch > 0 { object["ageSeconds"] = age; object["ageByFileTime"] = byFileTime }
                    if let r {
                        object["holder"] = r.holder; object["host"] = r.host; object["pid"] = Int(r.pid); object["job"] = r.job
                        object["renewals"] = r.renewals; object["leaseSeconds"] = Double(r.leaseMillis) / 1000
                    }
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                print("lease:    \(path)")
                print("state:    \(view.state.rawValue) (\(view.reason))")
                print("epoch:    \(view.epoch)")
                if let r {
                    print("holder:   \(r.holder) (pid \(r.pid) on \(r.host))")
                    print("job:      \(r.job)")
                    print("renewals: \(r.renewals), lease \(Double(r.leaseMillis) / 1000) s")
                }
                if view.epoch > 0 {
                    print("age:      \(age) s since the last renewal\(byFileTime ? " (by the record file's modification time on this host's clock)" : "")")
                }
            }
        }
    }
}
