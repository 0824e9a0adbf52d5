/// What a name in FROM can stand for.
public enum CatalogEntry: Sendable {
    /// A source view (`CREATE TEMPORARY VIEW v USING csv ...`).
    case source(any ScanSource)
    /// A query view (`CREATE TEMPORARY VIEW v AS SELECT ...`), already bound.
    case view(LogicalPlan)
}

/// The names a job has defined, as the binder sees them. The runtime owns the real
/// catalog (it knows how to open CSV sources); the binder only asks it.
public protocol Catalog: AnyObject {
    /// The entry named `name` (case-insensitive), if any.
    func lookup(_ name: String) -> CatalogEntry?
    /// All names, for "did you mean" suggestions.
    var names: [String] { get }
    /// A source for a path written in FROM as ``csv.`path` ``.
    func pathSource(format: String, path: String, location: SourceLocation) throws -> any ScanSource
}
