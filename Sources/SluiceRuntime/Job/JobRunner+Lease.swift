/// The coordination of a job that writes: its lease, taken before the first statement,
/// and its journal, from which a coordinator that takes over resumes.
extension JobRunner {
    /// Takes the job's lease (and opens its journal) when the job writes, or when `--lease`
    /// names one. Settings that shape the lease come first: `--set`, and the job's own
    /// `SET sluice.lease.*` (and test-only `sluice.test.*`) statements.
    func coordinate(_ statements: [Statement], script: String, file: String?) throws {
        let path: String
        if let explicit = options.leasePath {
            path = explicit
        } else if let location = Self.firstOutputLocation(statements) {
            path = Self.defaultLeasePath(for: location)
        } else {
            return
        }
        var leaseSettings = settings
        for case .set(let key, let value?, let location) in statements where key.hasPrefix("sluice.lease.") || key.hasPrefix("sluice.test.") {
            do { try leaseSettings.set(key, value) } catch { throw SQLError("INVALID_CONF_VALUE", error.description, at: location) }
        }
        _ = try acquireLease(path: path, job: file ?? "<job>", script: script, settings: leaseSettings)
    }

    func acquireLease(path: String, job: String, script: String, settings leaseSettings: Settings? = nil) throws -> Lease {
        let logger = self.logger
        let lease = try Lease.acquire(path: path, job: job, settings: leaseSettings ?? settings, wait: options.leaseWait) { logger.info("\($0)") }
        self.lease = lease
        var fp = Fingerprint()
        fp.add(script)
        for (k, v) in options.settingOverrides where Self.shapesResults(k) { fp.add(k); fp.add(v) }
        jobFingerprint = fp.hex
        let journal = try JobJournal(directory: lease.directory, epoch: lease.epoch, jobFingerprint: jobFingerprint)
        self.journal = journal
        if let from = journal.inheritedEpoch, !journal.inherited.isEmpty {
            let tasks = journal.inherited.filter { $0.kind == .task }.count
            let commits = journal.inherited.filter { $0.kind == .commit }.count
            logger.info("resuming the job from the journal of epoch \(from): \(tasks) finished tasks and \(commits) commits recorded")
        }
        return lease
    }

    /// A statement's fingerprint: the job's, the statement's number, the settings in force,
    /// and the names, sizes and modification times of the files it reads. A coordinator
    /// reuses an earlier one's work on the statement only when it is the same.
    func statementFingerprint(_ plan: PhysicalPlan) -> String {
        var fp = Fingerprint()
        fp.add(jobFingerprint)
        fp.add(String(statementNumber))
        for (k, v) in settings.values.sorted(by: { $0.key < $1.key }) where Self.shapesResults(k) { fp.add(k); fp.add(v) }
        fp.add(String(shufflePartitions))
        for stage in plan.stages {
            guard case .scan(let spec) = stage.input, let csv = spec.source as? CSVSource else { continue }
            fp.add(csv.displayName)
            for f in csv.dataset.files { fp.add("\(f.path) \(f.size) \(f.modificationSeconds).\(f.modificationNanoseconds)") }
        }
        return fp.hex
    }

    /// Settings that change what a statement computes or how its tasks are cut; the rest
    /// (workers, mode, memory, the lease's timing, tests' hooks) do not.
    static func shapesResults(_ key: String) -> Bool {
        !(key.hasPrefix("sluice.test.") || key.hasPrefix("sluice.lease.") || key.hasPrefix("sluice.worker.")
          || ["sluice.workers", "sluice.mode", "sluice.memory", "sluice.scratch"].contains(key))
    }

    /// The location of the job's first INSERT.
    static func firstOutputLocation(_ statements: [Statement]) -> String? {
        var tables: [String: String] = [:]
        for s in statements {
            switch s {
            case .createTable(let t):
                tables[t.name.name.lowercased()] = t.path ?? TableDefinition.defaultLocation(t.name.name)
            case .insertTable(let i):
                if let location = tables[i.table.name.lowercased()] { return location }
            case .insertDirectory(let d):
                return d.path
            default:
                break
            }
        }
        return nil
    }

    /// `out/daily` → `out/.sluice/daily`: a `.sluice/` folder beside the location, a lease
    /// per location in it.
    static func defaultLeasePath(for location: String) -> String {
        var l = location
        while l.count > 1 && l.hasSuffix("/") { l.removeLast() }
        let name = l.split(separator: "/").last.map(String.init) ?? "output"
        return FileSystem.parent(of: l) + "/.sluice/" + name
    }
}
