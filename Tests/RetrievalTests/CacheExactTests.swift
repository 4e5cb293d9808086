import Testing
import VectorStore
import TestSupport
@testable import Retrieval

@Suite struct CacheExactTests {
    @Test func hitAfterStoreWithNormalisedQuery() throws {
        let time = ManualTime()
        let cache = try ExactAnswerCache<CachedAnswer>(time: time)
        let scope = testScope()
        cache.store(testAnswer("A"), for: AnswerCacheKey(query: "How do I  rotate keys?", scope: scope))
        let hit = cache.value(for: AnswerCacheKey(query: "  how do i\nrotate KEYS? ", scope: scope))
        #expect(hit?.answer == "A")
        #expect(hit?.sources.first?.hit.metadata["year"] == .number(2026))
        #expect(cache.value(for: AnswerCacheKey(query: "how do i rotate keys", scope: scope)) == nil)
        let stats = cache.statistics
        #expect(stats.hits == 1 && stats.misses == 1 && stats.stores == 1)
    }

    @Test func entriesExpireAfterTTLButStayForStaleLookup() throws {
        let time = ManualTime()
        let cache = try ExactAnswerCache<String>(ttl: 300, time: time)
        let key = AnswerCacheKey(query: "q", scope: testScope())
        cache.store("answer", for: key)
        time.advance(299)
        #expect(cache.value(for: key) == "answer")
        time.advance(2)
        #expect(cache.value(for: key) == nil)
        #expect(cache.statistics.expired == 1)
        let stale = cache.stale(key)
        #expect(stale?.value == "answer")
        #expect(stale.map { abs($0.age - 301) < 1e-9 } == true)
        #expect(cache.stale(key, maxAge: 100) == nil)
        #expect(cache.stale(AnswerCacheKey(query: "other", scope: testScope())) == nil)
    }

    @Test func leastRecentlyUsedIsEvicted() throws {
        let cache = try ExactAnswerCache<Int>(capacity: 3, time: ManualTime())
        let scope = testScope()
        let keys = (0..<4).map { AnswerCacheKey(query: "q\($0)", scope: scope) }
        for i in 0..<3 { cache.store(i, for: keys[i]) }
        #expect(cache.value(for: keys[0]) == 0)      // q0 is now the most recent; q1 the least
        cache.store(3, for: keys[3])
        #expect(cache.count == 3)
        #expect(cache.value(for: keys[1]) == nil)
        #expect(cache.value(for: keys[0]) == 0)
        #expect(cache.value(for: keys[2]) == 2)
        #expect(cache.value(for: keys[3]) == 3)
        #expect(cache.statistics.evictions == 1)
        // Re-storing an existing key does not evict.
        cache.store(33, for: keys[3])
        #expect(cache.count == 3)
        #expect(cache.statistics.evictions == 1)
    }

    @Test func scopeIsolation() throws {
        let cache = try ExactAnswerCache<String>(time: ManualTime())
        let base = testScope(filter: try Filter.parse(json: #"{"category": {"$in": ["a", "b"]}, "year": {"$gte": 2020}}"#))
        cache.store("base", for: AnswerCacheKey(query: "q", scope: base))
        // Same meaning, other spelling of the filter: same key.
        var same = base
        same.filter = try Filter.parse(json: #"{"year": {"$gte": 2020}, "category": {"$in": ["b", "a"]}}"#)
        #expect(cache.value(for: AnswerCacheKey(query: "q", scope: same)) == "base")
        var variants: [AnswerCacheScope] = []
        var s = base; s.clearance = .restricted; variants.append(s)
        s = base; s.callerNamespaces = .only(["handbook"]); variants.append(s)
        s = base; s.generation += 1; variants.append(s)
        s = base; s.namespace = "other"; variants.append(s)
        s = base; s.filter = .all; variants.append(s)
        s = base; s.topK = 6; variants.append(s)
        s = base; s.model = "gpt"; variants.append(s)
        s = base; s.temperature = 0.2; variants.append(s)
        for variant in variants {
            #expect(cache.value(for: AnswerCacheKey(query: "q", scope: variant)) == nil, "\(variant)")
        }
        // Caller namespace lists are compared as sets.
        var a = base; a.callerNamespaces = .only(["x", "handbook"])
        var b = base; b.callerNamespaces = .only(["handbook", "x"])
        #expect(AnswerCacheKey(query: "q", scope: a) == AnswerCacheKey(query: "q", scope: b))
    }

    @Test func generationComesFromTheStore() throws {
        let dir = TemporaryDirectory("exact-gen")
        let store = try openRetrievalStore(dir)
        try store.createNamespace("handbook", dimension: 2)
        let before = try AnswerCacheScope.current(in: store, namespace: "handbook", topK: 5, model: "m", temperature: 0,
                                                  clearance: .public)
        _ = try store.upsert([VectorRecord(id: "a", vector: [1, 0])], into: "handbook")
        let after = try AnswerCacheScope.current(in: store, namespace: "handbook", topK: 5, model: "m", temperature: 0,
                                                 clearance: .public)
        #expect(after.generation > before.generation)
        #expect(AnswerCacheKey(query: "q", scope: before) != AnswerCacheKey(query: "q", scope: after))
        #expect(throws: (any Error).self) {
            try AnswerCacheScope.current(in: store, namespace: "missing", topK: 5, model: "m", temperature: 0, clearance: .public)
        }
    }

    @Test func invalidConfigurationIsRefused() {
        #expect(throws: RetrievalError.self) { try ExactAnswerCache<Int>(capacity: 0) }
        #expect(throws: RetrievalError.self) { try ExactAnswerCache<Int>(ttl: 0) }
    }
}
