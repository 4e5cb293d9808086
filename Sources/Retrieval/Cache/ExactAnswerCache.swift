/// Layer 1: an in-memory LRU of answers keyed by `AnswerCacheKey` (the exact normalised query in its scope).
///
/// Holds at most `capacity` entries (`[cache] exact_entries`, default 1000); an entry is fresh for `ttl` seconds
/// (`exact_ttl`, default 300) of the injected `TimeSource`. Expired entries stay until evicted so `stale(_:)`
/// can serve them when every provider is down. All operations are O(1).
public actor ExactAnswerCache<Value: Sendable> {
    private struct Entry {
        var value: Value
        var storedAt: Double
    }

    public let capacity: Int
    /// Seconds an entry is served by `value(for:)`.
    public let ttl: Double
    private let time: any TimeSource
    private let metrics: RetrievalMetrics?
    private var entries: [String: Entry] = [:]
    private var order = LRUList<String>()
    public private(set) var statistics = CacheStatistics()

    /// - Parameters:
    ///   - capacity: most entries kept (≥ 1). Default 1000.
    ///   - ttl: freshness in seconds (> 0). Default 300.
    ///   - metrics: when given, every lookup is counted in `rag_cache_requests_total{layer="exact"}`.
    /// - Throws: `RetrievalError(.unsupported)` naming `exact_entries` or `exact_ttl` when out of range.
    public init(capacity: Int = 1000, ttl: Double = 300, time: any TimeSource = SystemTime(),
                metrics: RetrievalMetrics? = nil) throws {
        guard capacity >= 1 else {
            throw RetrievalError(.unsupported, "cache.exact_entries must be at least 1; got \(capacity)")
        }
        guard ttl > 0, ttl.isFinite else {
            throw RetrievalError(.unsupported, "cache.exact_ttl must be a positive number of seconds; got \(ttl)")
        }
        self.capacity = capacity
        self.ttl = ttl
        self.time = time
        self.metrics = metrics
    }

    /// Entries held, fresh or expired.
    public var count: Int { entries.count }

    /// The fresh value for `key`, marking it most recently used; nil when absent or older than `ttl`.
    public func value(for key: AnswerCacheKey) -> Value? {
        guard let entry = entries[key.hash] else {
            record(hit: false)
            return nil
        }
        guard time.now() - entry.storedAt < ttl else {
            statistics.expired += 1
            record(hit: false)
            return nil
        }
        order.touch(key.hash)
        record(hit: true)
        return entry.value
    }

    /// The value for `key` even if expired, with its age in seconds: the fallback chain's "stale cached answer".
    /// - Parameter maxAge: when given, entries older than this many seconds are not returned.
    public func stale(_ key: AnswerCacheKey, maxAge: Double? = nil) -> (value: Value, age: Double)? {
        guard let entry = entries[key.hash] else { return nil }
        let age = time.now() - entry.storedAt
        if let maxAge, age > maxAge { return nil }
        statistics.staleHits += 1
        metrics?.recordCacheRequest(layer: "exact", result: "stale")
        return (entry.value, age)
    }

    /// Stores `value` as fresh and most recently used, evicting the least recently used entry when full.
    public func store(_ value: Value, for key: AnswerCacheKey) {
        entries[key.hash] = Entry(value: value, storedAt: time.now())
        order.touch(key.hash)
        statistics.stores += 1
        while entries.count > capacity, let victim = order.popLeastRecent() {
            entries[victim] = nil
            statistics.evictions += 1
        }
    }

    /// Drops the entry for `key`, if any.
    public func remove(_ key: AnswerCacheKey) {
        entries[key.hash] = nil
        order.remove(key.hash)
    }

    /// Drops every entry (statistics are kept).
    public func removeAll() {
        entries.removeAll()
        order.removeAll()
    }

    private func record(hit: Bool) {
        if hit { statistics.hits += 1 } else { statistics.misses += 1 }
        metrics?.recordCacheRequest(layer: "exact", result: hit ? "hit" : "miss")
    }
}
