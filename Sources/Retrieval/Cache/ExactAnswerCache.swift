import Foundation

/// Layer 1: an in-memory LRU of answers keyed by `AnswerCacheKey` (the exact normalised query in its scope).
///
/// Holds at most `capacity` entries (`[cache] exact_entries`, default 1000); an entry is fresh for `ttl` seconds
/// (`exact_ttl`, default 300) of the injected `TimeSource`. Expired entries stay until evicted so `stale(_:)`
/// can serve them when every provider is down. All operations are O(1).
///
/// Thread-safe behind a lock rather than an actor: every cached answer passes through here, and an actor hop
/// (two executor switches) costs more than the lookup itself.
public final class ExactAnswerCache<Value: Sendable>: @unchecked Sendable {
    private struct Entry {
        var value: Value
        var storedAt: Double
    }

    public let capacity: Int
    /// Seconds an entry is served by `value(for:)`.
    public let ttl: Double
    private let time: any TimeSource
    private let metrics: RetrievalMetrics?
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]    // guarded by lock
    private var order = LRUList<String>()         // guarded by lock
    private var counts = CacheStatistics()        // guarded by lock

    /// Hits, misses, stores and evictions so far.
    public var statistics: CacheStatistics { lock.withLock { counts } }

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
    public var count: Int { lock.withLock { entries.count } }

    /// The fresh value for `key`, marking it most recently used; nil when absent or older than `ttl`.
    public func value(for key: AnswerCacheKey) -> Value? {
        let now = time.now()
        let found: Value? = lock.withLock {
            guard let entry = entries[key.hash] else {
                counts.misses += 1
                return nil
            }
            guard now - entry.storedAt < ttl else {
                counts.expired += 1
                counts.misses += 1
                return nil
            }
            order.touch(key.hash)
            counts.hits += 1
            return entry.value
        }
        metrics?.recordCacheRequest(layer: "exact", result: found == nil ? "miss" : "hit")
        return found
    }

    /// The fresh value for `key` without counting the lookup or changing the LRU order.
    public func peek(_ key: AnswerCacheKey) -> Value? {
        let now = time.now()
        return lock.withLock {
            guard let entry = entries[key.hash], now - entry.storedAt < ttl else { return nil }
            return entry.value
        }
    }

    /// The value for `key` even if expired, with its age in seconds: the fallback chain's "stale cached answer".
    /// - Parameter maxAge: when given, entries older than this many seconds are not returned.
    public func stale(_ key: AnswerCacheKey, maxAge: Double? = nil) -> (value: Value, age: Double)? {
        let now = time.now()
        let found: (value: Value, age: Double)? = lock.withLock {
            guard let entry = entries[key.hash] else { return nil }
            let age = now - entry.storedAt
            if let maxAge, age > maxAge { return nil }
            counts.staleHits += 1
            return (entry.value, age)
        }
        if found != nil { metrics?.recordCacheRequest(layer: "exact", result: "stale") }
        return found
    }

    /// Stores `value` as fresh and most recently used, evicting the least recently used entry when full.
    public func store(_ value: Value, for key: AnswerCacheKey) {
        let now = time.now()
        lock.withLock {
            entries[key.hash] = Entry(value: value, storedAt: now)
            order.touch(key.hash)
            counts.stores += 1
            while entries.count > capacity, let victim = order.popLeastRecent() {
                entries[victim] = nil
                counts.evictions += 1
            }
        }
    }

    /// Drops the entry for `key`, if any.
    public func remove(_ key: AnswerCacheKey) {
        lock.withLock {
            entries[key.hash] = nil
            order.remove(key.hash)
        }
    }

    /// Drops every entry (statistics are kept).
    public func removeAll() {
        lock.withLock {
            entries.removeAll()
            order.removeAll()
        }
    }
}
