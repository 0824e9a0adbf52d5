import Foundation
import SluiceExec

/// A task attempt as the supervisor sends it to a worker: everything the worker needs
/// to build the pipeline and read its input, with no shared state.
public struct TaskMessage: Codable, Sendable {
    /// Unique per attempt; a result that names a replaced attempt is dropped.
    public var attempt: Int
    /// The stage's number within the run (unique across statements): a worker keeps its
    /// build sides while it stays the same.
    public var stage: Int
    public var task: Int
    public var operators: [OperatorSpec]
    public var inputTypes: [DataType]
    /// The types of the rows the pipeline produces.
    public var outputTypes: [DataType]
    public var input: Input
    /// Hash partitioning of the output (key expressions over the output columns), or nil
    /// for one output partition.
    public var partitionKeys: [SluiceCore.Expression]?
    public var partitions: Int
    /// Operator indices of hash joins whose build side follows this message (the worker
    /// keeps a build side for the rest of the stage once it has it).
    public var buildOperators: [Int]
    /// Operator indices of shuffled hash joins whose build partition for this task follows,
    /// after the broadcast build sides (sent with every task).
    public var partitionedBuildOperators: [Int]
    /// Per shuffled join of `partitionedBuildOperators`: the shuffle files that hold the
    /// task's build partition, or nil when it follows as frames.
    public var partitionedBuildFiles: [[ShuffleFileRef]?]
    /// `current_timestamp()` of the run, the same in every worker.
    public var runStart: Int64
    /// The run's scratch directory, where the task's aggregations, sorts and shuffled joins
    /// spill; nil: they keep everything in memory.
    public var scratch: String?
    /// Bytes each aggregation, sort or shuffled join of the task may hold before it spills.
    public var memoryBudget: Int
    /// `spark.io.compression.zstd.level` of spill files.
    public var zstdLevel: Int
    /// For a write stage: the task writes its rows to files instead of sending them.
    public var write: WriteSpec?
    /// For a stage whose output the next stages read: the file (in the scratch directory)
    /// the task writes its partitioned output to, instead of sending it as frames.
    public var shuffleFile: String?
    /// Whether the shuffle file's ranges are zstd-compressed (at `zstdLevel`) where that saves space.
    public var compressShuffle: Bool

    public enum Input: Codable, Sendable {
        /// Read a split of a CSV source.
        case split(CSVSourceDescription, CSVSplit, columns: [Int])
        /// Input chunks follow as frames, until `inputEnd`.
        case chunks
        /// Input chunks are in these shuffle files; nothing follows.
        case files([ShuffleFileRef])
        /// One row with no columns.
        case oneRow
    }
}

/// A successful attempt's report.
public struct TaskResult: Codable, Sendable {
    public var attempt: Int
    public var rowsOut: Int
    /// What the attempt's operators spilled.
    public var spilled: SpillStats
    /// The files a write task wrote under its attempt's staging directory.
    public var written: [WrittenFile]?
    /// Rows the task read from its input split (0 for other inputs).
    public var rowsIn: Int?
    /// The ranges of each output partition in the task's shuffle file.
    public var shuffle: [[ShuffleRange]]?
}

/// A failed attempt's report: the error's text and status, and whether it is the user's
/// (a bad row, an invalid cast: not retried) or the machine's (retried elsewhere).
public struct TaskFailure: Codable, Sendable {
    public var attempt: Int
    public var message: String
    public var status: Int32
    public var userError: Bool
}

/// A CSV source as a worker rebuilds it without listing or sampling again.
public struct CSVSourceDescription: Codable, Sendable {
    public var displayName: String
    public var optionPairs: [[String]]
    public var declaredSchema: [FieldDescription]?
    public var path: String
    public var files: [FileDescription]
    public var dataSchema: [FieldDescription]
    public var partitionSchema: [FieldDescription]
    public var schemaSource: String

    public struct FieldDescription: Codable, Sendable {
        public var name: String
        public var type: DataType
    }

    public struct FileDescription: Codable, Sendable {
        public var path: String
        public var size: Int64
        public var seconds: Int64
        public var nanoseconds: Int32
        public var partitionValues: [Value]
    }
}

/// JSON for the small control messages (chunks travel in their binary encoding).
enum MessageCoding {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw ProtocolError("cannot decode a \(type) message: \(error)")
        }
    }
}
