/// A semantic cache hit: the cached answer and why it matched.
public struct SemanticCacheHit: Sendable, Equatable {
    public var answer: CachedAnswer
    /// Cosine similarity between the new query's embedding and the cached query's, in -1...1.
    public var similarity: Double
    /// The (normalised, redacted) query the answer was cached for.
    public var matchedQuery: String
    /// Seconds since the entry was stored.
    public var age: Double
}
