/// The build sides of one stage's hash joins, as buffers of the run's ``ChunkStore``: what
/// both executors hand to their tasks (in memory, or as frames to a worker process).
struct JoinBuilds {
    /// Broadcast joins by operator index: every buffer of the build stage, the same for
    /// every task (the stage builds one table from them).
    var broadcast: [(op: Int, buffers: [ChunkStore.BufferID])] = []
    /// Shuffled joins by operator index: for each task p, partition p of every task of the
    /// build stage (the task's join builds its own table from them).
    var partitioned: [(op: Int, tasks: [[ChunkStore.BufferID]])] = []

    /// The build sides of `stage`'s joins, from the finished stages in `outputs`.
    init(_ stage: StagePlan, _ outputs: StageOutputs) throws {
        for (i, op) in stage.operators.enumerated() {
            guard case .hashJoin(let j) = op else { continue }
            switch j.distribution {
            case .broadcast:
                broadcast.append((i, outputs.all([j.buildStage])))
            case .shuffled:
                // The probe side arrives through the stage's shuffle, in as many partitions.
                guard case .shuffle(_, let partitions) = stage.input else {
                    throw InternalError("the shuffled join of stage \(stage.id) does not read a shuffle")
                }
                partitioned.append((i, outputs.shuffleInputs(from: j.buildStage, partitions: partitions)))
            }
        }
    }
}
