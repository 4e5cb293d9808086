/// One stored vector with its identifiers and metadata.
public struct VectorRecord: Sendable, Equatable {
    /// Unique within its namespace.
    public var id: String
    public var documentID: String?
    public var vector: [Float]
    public var metadata: Metadata

    public init(id: String, documentID: String? = nil, vector: [Float], metadata: Metadata = [:]) {
        self.id = id
        self.documentID = documentID
        self.vector = vector
        self.metadata = metadata
    }
}

/// One search hit: cosine similarity in [-1, 1], best first, ties broken by id.
public struct SearchResult: Sendable, Equatable {
    public var id: String
    public var documentID: String?
    public var score: Float
    public var metadata: Metadata
}

/// A namespace's definition and current size.
public struct NamespaceInfo: Sendable, Equatable, Codable {
    public var name: String
    public var dimension: Int
    public var metric: String
    public var count: Int
    /// Approximate resident bytes of the serving copy (matrix, ids, metadata columns).
    public var bytes: Int
    /// Bumped by every committed write; caches key on it.
    public var generation: Int64
    /// The embedding model that produced the vectors, when recorded.
    public var model: String?
}
