/// Counters of one answer cache since it was created, readable in tests and admin views (the same events
/// also go to `rag_cache_requests_total{layer,result}` when the cache has a `RetrievalMetrics`).
public struct CacheStatistics: Sendable, Equatable {
    /// Lookups that returned a fresh entry.
    public var hits = 0
    /// Lookups that found nothing usable (absent, expired, or guarded out).
    public var misses = 0
    /// Misses because the entry was present but past its TTL.
    public var expired = 0
    /// Entries dropped to stay within capacity.
    public var evictions = 0
    /// `stale(_:)` lookups that returned an expired entry.
    public var staleHits = 0
    /// Semantic near-matches (cosine ≥ threshold) refused because negations, numbers or polar words differ.
    public var guardRejections = 0
    /// Entries written.
    public var stores = 0

    public init() {}

    /// hits / (hits + misses), or 0 before any lookup.
    public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
}
