/// What the coordinator asks of a query's tasks, in both modes: that none starts once the
/// lease is lost; and, for an INSERT's write stage, which tasks an earlier coordinator of
/// the same job finished (they are not run again: their staged files are used), and a
/// durable record of each task that finishes.
public final class TaskLedger: @unchecked Sendable {
    let check: () throws -> Void
    /// Files of the write tasks already finished, by task.
    let finished: [Int: [WrittenFile]]
    private let recordTask: (Int, [WrittenFile]) throws -> Void
    private let lock = PthreadMutex()

    public init(check: @escaping () throws -> Void, finished: [Int: [WrittenFile]] = [:],
                record: @escaping (Int, [WrittenFile]) throws -> Void = { _, _ in }) {
        self.check = check
        self.finished = finished
        self.recordTask = record
    }

    /// Records a finished write task (called from any thread, one at a time).
    func record(_ task: Int, _ files: [WrittenFile]) throws {
        try lock.withLock { try recordTask(task, files) }
    }
}
