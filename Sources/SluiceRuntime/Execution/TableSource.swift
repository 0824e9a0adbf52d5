/// A scan source the runtime can execute: it lists its input splits (after partition
/// pruning) and reads one split's rows into a pipeline.
public protocol ExecutableSource: ScanSource {
    /// The splits to read, after dropping files whose partition values fail `partitionFilters`
    /// (expressions over this source's schema).
    func splits(partitionFilters: [Expression], settings: Settings) throws -> [any SourceSplit]
    /// Pushes the rows of `split` (only `columns`, positions in `schema`) into `consumer`,
    /// stopping early when it asks for no more. Does not call `finish`.
    /// `progress`, if given, is told after each chunk the rows and bytes of the split read so far.
    func read(_ split: any SourceSplit, columns: [Int], into consumer: ChunkConsumer, progress: ((_ rows: Int, _ bytes: Int64) -> Void)?) throws
}

extension ExecutableSource {
    public func read(_ split: any SourceSplit, columns: [Int], into consumer: ChunkConsumer) throws {
        try read(split, columns: columns, into: consumer, progress: nil)
    }
}

/// One unit of scan work: a byte range of a file.
public protocol SourceSplit: Sendable {
    var displayName: String { get }
}
