import Testing
import VectorStore
import TestSupport
@testable import Retrieval

@Suite struct CacheSemanticTests {
    static let vectors: [String: [Float]] = [
        "does ragctl support pdf": [1, 0, 0, 0],
        "is pdf supported by ragctl": [0.99, 0.1, 0, 0],
        "does ragctl not support pdf": [0.99, 0.05, 0.05, 0],
        "doesn't ragctl support pdf": [0.99, 0.0, 0.08, 0],
        "what changed in version 2": [0, 1, 0, 0],
        "what changed in version 3": [0, 0.99, 0.1, 0],
        "what changed in version 2.0": [0, 0.99, 0, 0.1],
        "backups before the upgrade": [0, 0, 1, 0],
        "backups after the upgrade": [0, 0, 0.99, 0.1],
        "something unrelated": [0, 0, 0, 1],
    ]

    func makeCache(_ dir: TemporaryDirectory, time: ManualTime, embedder: MappedEmbedder? = nil)
        throws -> (SemanticAnswerCache, VectorStore) {
        let store = try openRetrievalStore(dir)
        let cache = try SemanticAnswerCache(store: store, embedder: embedder ?? MappedEmbedder(Self.vectors), time: time)
        return (cache, store)
    }

    @Test func paraphraseHitsAndUnrelatedMisses() async throws {
        let dir = TemporaryDirectory("semantic")
        let (cache, _) = try makeCache(dir, time: ManualTime())
        let scope = testScope()
        try await cache.store(testAnswer("Yes, PDF via pdftotext."), query: "does ragctl support pdf", scope: scope)
        let hit = try await cache.lookup(query: "is pdf supported by ragctl", scope: scope)
        #expect(hit?.answer.answer == "Yes, PDF via pdftotext.")
        #expect(hit?.matchedQuery == "does ragctl support pdf")
        #expect(hit.map { $0.similarity >= 0.95 } == true)
        #expect(hit?.answer.sources.first?.hit.metadata["tags"] == .strings(["a"]))
        #expect(try await cache.lookup(query: "something unrelated", scope: scope) == nil)
        let stats = await cache.statistics
        #expect(stats.hits == 1 && stats.misses == 1 && stats.stores == 1)
    }

    @Test func negationNumberAndPolarFlipsMiss() async throws {
        let dir = TemporaryDirectory("semantic-guard")
        let (cache, _) = try makeCache(dir, time: ManualTime())
        let scope = testScope()
        try await cache.store(testAnswer("yes"), query: "does ragctl support pdf", scope: scope)
        try await cache.store(testAnswer("v2 notes"), query: "what changed in version 2", scope: scope)
        try await cache.store(testAnswer("before"), query: "backups before the upgrade", scope: scope)
        #expect(try await cache.lookup(query: "does ragctl not support pdf", scope: scope) == nil)
        #expect(try await cache.lookup(query: "doesn't ragctl support pdf", scope: scope) == nil)
        #expect(try await cache.lookup(query: "what changed in version 3", scope: scope) == nil)
        #expect(try await cache.lookup(query: "backups after the upgrade", scope: scope) == nil)
        #expect(await cache.statistics.guardRejections == 4)
        // The same number written differently is the same number.
        #expect(try await cache.lookup(query: "what changed in version 2.0", scope: scope)?.answer.answer == "v2 notes")
    }

    @Test func guardRules() {
        #expect(SemanticQueryGuard.compatible("does x support y", "is y supported by x"))
        #expect(!SemanticQueryGuard.compatible("does x support y", "does x not support y"))
        #expect(SemanticQueryGuard.compatible("doesn't x support y", "does x not support y"))
        #expect(SemanticQueryGuard.compatible("can't x run", "x cannot run"))
        #expect(!SemanticQueryGuard.compatible("version 2", "version 3"))
        #expect(SemanticQueryGuard.compatible("top 10 results", "top ten results"))
        #expect(!SemanticQueryGuard.compatible("2 and 3", "2 and 2"))
        #expect(SemanticQueryGuard.compatible("3 and 2", "2 and 3"))
        #expect(!SemanticQueryGuard.compatible("python 3.11 support", "python 3.12 support"))
        #expect(!SemanticQueryGuard.compatible("logs before 5pm", "logs after 5pm"))
        #expect(!SemanticQueryGuard.compatible("with tls", "without tls"))
    }

    @Test func scopeGenerationAndModelIsolation() async throws {
        let dir = TemporaryDirectory("semantic-scope")
        let (cache, store) = try makeCache(dir, time: ManualTime())
        let scope = testScope(clearance: .internal, callerNamespaces: .only(["handbook"]))
        try await cache.store(testAnswer("internal answer"), query: "does ragctl support pdf", scope: scope)
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: scope) != nil)
        var other = scope; other.clearance = .public
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: other) == nil)
        other = scope; other.callerNamespaces = .all
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: other) == nil)
        other = scope; other.generation += 1
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: other) == nil)
        other = scope; other.filter = .field("category", .eq(.string("a")))
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: other) == nil)
        // Another embedding model never reads these vectors.
        let otherModel = try SemanticAnswerCache(store: store, embedder: MappedEmbedder(modelID: "test/other", Self.vectors),
                                                 time: ManualTime())
        #expect(try await otherModel.lookup(query: "does ragctl support pdf", scope: scope) == nil)
        // Old generations can be dropped.
        #expect(try await cache.invalidate(namespace: "handbook", before: scope.generation + 1) == 1)
        #expect(try await cache.count(scope: scope) == 0)
    }

    @Test func ttlExpiresEntries() async throws {
        let dir = TemporaryDirectory("semantic-ttl")
        let time = ManualTime()
        let (cache, _) = try makeCache(dir, time: time)
        let scope = testScope()
        try await cache.store(testAnswer("yes"), query: "does ragctl support pdf", scope: scope)
        time.advance(3599)
        #expect(try await cache.lookup(query: "is pdf supported by ragctl", scope: scope)?.age == 3599)
        time.advance(2)
        #expect(try await cache.lookup(query: "is pdf supported by ragctl", scope: scope) == nil)
        #expect(await cache.statistics.expired == 1)
        #expect(throws: RetrievalError.self) {
            try SemanticAnswerCache(store: try openRetrievalStore(dir), embedder: MappedEmbedder(),
                                    configuration: .init(ttl: 60))
        }
        #expect(throws: RetrievalError.self) {
            try SemanticAnswerCache(store: try openRetrievalStore(dir), embedder: MappedEmbedder(),
                                    configuration: .init(threshold: 1.5))
        }
    }

    @Test func entriesSurviveReopen() async throws {
        let dir = TemporaryDirectory("semantic-reopen")
        let time = ManualTime()
        let scope = testScope()
        do {
            let (cache, _) = try makeCache(dir, time: time)
            try await cache.store(testAnswer("persisted"), query: "does ragctl support pdf", scope: scope)
            // Storing the same query again replaces the entry.
            try await cache.store(testAnswer("persisted 2"), query: "Does  ragctl support PDF",
                                  embedding: Self.vectors["does ragctl support pdf"]!, scope: scope)
            #expect(try await cache.count(scope: scope) == 1)
        }
        time.advance(60)
        let (reopened, _) = try makeCache(dir, time: time)
        let hit = try await reopened.lookup(query: "is pdf supported by ragctl", scope: scope)
        #expect(hit?.answer.answer == "persisted 2")
        #expect(hit?.age == 60)
    }

    @Test func perScopeCapAndWrongDimension() async throws {
        let dir = TemporaryDirectory("semantic-cap")
        let store = try openRetrievalStore(dir)
        let embedder = MappedEmbedder(Self.vectors)
        let time = ManualTime()
        let cache = try SemanticAnswerCache(store: store, embedder: embedder,
                                            configuration: .init(maxEntriesPerScope: 2), time: time)
        let scope = testScope()
        for (i, query) in ["does ragctl support pdf", "what changed in version 2", "backups before the upgrade"].enumerated() {
            try await cache.store(testAnswer("a\(i)"), query: query, scope: scope)
            time.advance(1)
        }
        #expect(try await cache.count(scope: scope) == 2)
        #expect(try await cache.lookup(query: "does ragctl support pdf", scope: scope) == nil)
        #expect(try await cache.lookup(query: "backups before the upgrade", scope: scope)?.answer.answer == "a2")
        await #expect(throws: RetrievalError.self) {
            try await cache.lookup(query: "q", embedding: [1, 0], scope: scope)
        }
    }
}

extension CacheSemanticTests {
    @Test func storedQueryTextIsRedacted() async throws {
        let dir = TemporaryDirectory("semantic-pii")
        let (cache, store) = try makeCache(dir, time: ManualTime())
        try await cache.store(testAnswer("a"), query: "Why is grace@example.com locked?",
                              embedding: [0, 1, 0, 0], scope: testScope())
        let stored = try store.query("SELECT query_text FROM semantic_cache").map { $0[0].string }
        #expect(stored == ["why is [email] locked?"])
    }
}
