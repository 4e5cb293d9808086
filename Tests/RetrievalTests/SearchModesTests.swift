import Foundation
import Ingest
import Testing
import TestSupport
import VectorStore
@testable import Retrieval

/// BM25 and hybrid search through the `Searcher`: filters and clearance before top-k (oracle: brute-force BM25
/// over the visible, matching subset with the namespace's statistics), no restricted chunk for a public caller,
/// fusion of exactly the two filtered candidate lists, clear errors.
@Suite struct SearchModesTests {
    /// Two-letter words: the Porter stemmer leaves words under three letters alone and none is a stop word, so
    /// the oracle can count them as FTS5 indexes them.
    static let vocabulary: [String] = {
        let letters = Array("qxzjkvw")
        return letters.flatMap { a in letters.map { b in String([a, b]) } }
    }()
    static let categories = ["red", "green", "blue"]
    static let levels = ["public", "internal", "restricted"]

    struct Corpus {
        let dir: TemporaryDirectory
        let store: VectorStore
        let documents: [TextDocument]
        let vectors: [String: [Float]]
    }

    /// - Parameter key: encrypts the store (its BM25 index then lives in memory).
    static func makeCorpus(count: Int = 400, seed: UInt64, key: EncryptionKey? = nil) throws -> Corpus {
        let dir = TemporaryDirectory("modes")
        let store = try openRetrievalStore(dir, key: key)
        try store.createNamespace("ns", dimension: 8, model: "test/mapped")
        var rng = SeededGenerator(seed: seed)
        var documents: [TextDocument] = []
        // Zipf-like word choice so some words are common (low IDF) and others rare.
        let weights = vocabulary.indices.map { 1.0 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        func word() -> String {
            var x = Double.random(in: 0..<total, using: &rng)
            for (i, w) in weights.enumerated() { x -= w; if x < 0 { return vocabulary[i] } }
            return vocabulary.last!
        }
        for i in 0..<count {
            let text = (0..<Int.random(in: 3...40, using: &rng)).map { _ in word() }.joined(separator: " ")
            documents.append(TextDocument(id: String(format: "c%04d", i), text: text, metadata: [
                "category": .string(categories[i % 3]),
                "access_level": .string(levels[Int.random(in: 0..<3, using: &rng)]),
                "n": .number(Double(i % 10)),
            ]))
        }
        let vectors = SyntheticVectors.clustered(count: count, dimension: 8, clusters: 5, seed: seed ^ 0x55)
        try DocumentRepository(store: store).put(documents, vectors: vectors, namespace: "ns")
        return Corpus(dir: dir, store: store, documents: documents,
                      vectors: Dictionary(uniqueKeysWithValues: zip(documents.map(\.id), vectors)))
    }

    /// FTS5's bm25() (k1 = 1.2, b = 0.75, IDF floored at 1e-6) over every document of the namespace, scored for
    /// the documents `keep` accepts, best first, ties by id.
    static func bruteForceBM25(_ corpus: Corpus, query: [String], keep: (TextDocument) -> Bool) -> [(String, Double)] {
        let tokens = corpus.documents.map { $0.text.split(separator: " ").map(String.init) }
        let n = Double(tokens.count)
        let average = Double(tokens.reduce(0) { $0 + $1.count }) / n
        var hits: [(String, Double)] = []
        for (document, words) in zip(corpus.documents, tokens) where keep(document) {
            var score = 0.0
            var matched = false
            for term in query {
                let tf = Double(words.count { $0 == term })
                guard tf > 0 else { continue }
                matched = true
                let df = Double(tokens.count { $0.contains(term) })
                let idf = max(1e-6, log((n - df + 0.5) / (df + 0.5)))
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * Double(words.count) / average))
            }
            if matched { hits.append((document.id, score)) }
        }
        return hits.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    static func level(_ document: TextDocument) -> AccessLevel {
        guard case .string(let text)? = document.metadata["access_level"] else { return .public }
        return AccessLevel(rawValue: text)!
    }

    static let filters: [(String, @Sendable (TextDocument) -> Bool)] = [
        ("", { _ in true }),
        (#"{"category": "red"}"#, { $0.metadata["category"] == .string("red") }),
        (#"{"category": {"$ne": "red"}}"#, { $0.metadata["category"] != .string("red") }),
        (#"{"n": {"$lt": 2}}"#, { if case .number(let x)? = $0.metadata["n"] { return x < 2 }; return false }),
        (#"{"$or": [{"category": "blue"}, {"n": 7}]}"#, {
            $0.metadata["category"] == .string("blue") || $0.metadata["n"] == .number(7)
        }),
        (#"{"id": {"$in": ["c0001", "c0002", "c0003", "c0100"]}}"#, { ["c0001", "c0002", "c0003", "c0100"].contains($0.id) }),
    ]

    /// Also for an encrypted store, whose BM25 index is an in-memory FTS5 table built from the decrypted chunks.
    @Test(arguments: [false, true]) func bm25WithAFilterEqualsBruteForceOverTheSubset(encrypted: Bool) async throws {
        let corpus = try Self.makeCorpus(seed: 31, key: encrypted ? try randomEncryptionKey() : nil)
        let searcher = Searcher(store: corpus.store, embedder: MappedEmbedder(dimension: 8))
        var rng = SeededGenerator(seed: 8)
        let queries: [[String]] = (0..<4).map { _ in (0..<Int.random(in: 1...5, using: &rng)).map { _ in Self.vocabulary.randomElement(using: &rng)! } }
            + [["qq", "qq", "wz"], ["ww"]]
        for terms in queries {
            for (text, keep) in Self.filters {
                for clearance in AccessLevel.allCases {
                    for k in [1, 10, 500] {
                        var request = SearchRequest(query: terms.joined(separator: " "), namespace: "ns")
                        request.mode = .bm25
                        request.topK = k
                        request.filter = try Filter.parse(json: text)
                        request.clearance = clearance
                        let got = try await searcher.search(request)
                        let want = Self.bruteForceBM25(corpus, query: terms) { keep($0) && Self.level($0) <= clearance }.prefix(k)
                        let label = "\(terms) \(text) \(clearance) k=\(k)"
                        #expect(got.count == want.count, "\(label): \(got.count) vs \(want.count)")
                        for (i, (hit, truth)) in zip(got, want).enumerated() {
                            #expect(abs(Double(hit.score) - truth.1) <= 1e-5 * max(1, truth.1), "\(label) #\(i) score \(hit.score) vs \(truth.1)")
                            let tie = want.indices.contains { $0 != i && abs(want[$0].1 - truth.1) < 1e-9 }
                            if !tie { #expect(hit.chunkID == truth.0, "\(label) #\(i)") }
                        }
                        #expect(Set(got.map(\.chunkID)) .count == got.count)
                    }
                }
            }
        }
    }

    @Test func aRestrictedChunkNeverReachesAPublicCallerInAnyMode() async throws {
        let corpus = try Self.makeCorpus(count: 300, seed: 5)
        let searcher = Searcher(store: corpus.store, embedder: MappedEmbedder(dimension: 8))
        for mode in SearchMode.allCases {
            for mmr in [nil, 0.5] {
                var request = SearchRequest(query: Self.vocabulary.prefix(12).joined(separator: " "), namespace: "ns")
                request.mode = mode
                request.topK = 300
                request.clearance = .public
                request.ranking.mmrLambda = mmr
                let hits = try await searcher.search(request)
                #expect(!hits.isEmpty)
                #expect(hits.allSatisfy { $0.metadata["access_level"] == .string("public") }, "\(mode) mmr \(String(describing: mmr))")
                let visible = corpus.documents.filter { Self.level($0) == .public }.count
                if mode == .dense { #expect(hits.count == visible) }
            }
        }
    }

    @Test func hybridFusesTheTwoFilteredCandidateLists() async throws {
        let corpus = try Self.makeCorpus(count: 300, seed: 12)
        let embedder = MappedEmbedder(dimension: 8)
        let searcher = Searcher(store: corpus.store, embedder: embedder)
        let query = "qq xz kv"
        let filter = try Filter.parse(json: #"{"category": {"$in": ["red", "blue"]}}"#)
        for fusion in FusionMethod.allCases {
            var base = SearchRequest(query: query, namespace: "ns")
            base.filter = filter
            base.clearance = .internal
            base.ranking.candidates = 20
            base.ranking.fusion = fusion
            base.ranking.denseWeight = 0.6
            base.ranking.rrfK = 10
            var dense = base, lexical = base, hybrid = base
            dense.mode = .dense
            dense.topK = 20
            lexical.mode = .bm25
            lexical.topK = 20
            hybrid.mode = .hybrid
            hybrid.topK = 15
            let denseList = try await searcher.rank(dense)
            let lexicalList = try await searcher.rank(lexical)
            #expect(denseList.count == 20 && lexicalList.count == 20)
            let expected = fusion == .rrf
                ? Fusion.reciprocalRank(dense: denseList, lexical: lexicalList, k: 10)
                : Fusion.weighted(dense: denseList, lexical: lexicalList, denseWeight: 0.6)
            let got = try await searcher.rank(hybrid)
            #expect(got == Array(expected.prefix(15)), "\(fusion)")
            // Hits carry text and metadata, best first.
            let hits = try await searcher.search(hybrid)
            #expect(hits.map(\.chunkID) == got.map(\.id))
            #expect(hits.allSatisfy { !$0.text.isEmpty && $0.metadata["category"] != .string("green") })
        }
        // top_k above the candidate count widens both lists.
        var wide = SearchRequest(query: query, namespace: "ns")
        wide.ranking.candidates = 5
        wide.topK = 50
        #expect(try await searcher.rank(wide).count >= 50)
    }

    @Test func mmrDiversifiesTheFinalList() async throws {
        let dir = TemporaryDirectory("modes")
        let store = try openRetrievalStore(dir)
        try store.createNamespace("ns", dimension: 3, model: "test/mapped")
        // Three copies of one passage, a slightly less relevant different passage, and two unrelated ones.
        try DocumentRepository(store: store).put([
            TextDocument(id: "copy1", text: "solar panels on roofs"),
            TextDocument(id: "copy2", text: "solar panels on roofs"),
            TextDocument(id: "copy3", text: "solar panels on roofs"),
            TextDocument(id: "other", text: "roofs of houses: solar heating panels"),
            TextDocument(id: "grass", text: "grass fields"),
            TextDocument(id: "water", text: "open water"),
        ], vectors: [[0.9, 0.436, 0], [0.9, 0.436, 0.001], [0.9, 0.437, 0], [0.85, -0.527, 0], [0, 0, 1], [0, 0.1, 1]],
           namespace: "ns")
        let searcher = Searcher(store: store, embedder: MappedEmbedder(dimension: 3, ["solar panels": [1, 0, 0]]))
        var request = SearchRequest(query: "solar panels", namespace: "ns")
        request.topK = 2
        request.mode = .dense
        let plain = try await searcher.rank(request).map(\.id)
        #expect(!plain.contains("other"))
        request.ranking.mmrLambda = 0.5
        let diverse = try await searcher.rank(request).map(\.id)
        #expect(diverse.count == 2 && diverse.contains("other"), "\(diverse)")
        request.mode = .hybrid
        #expect(try await searcher.rank(request).map(\.id).contains("other"))
    }

    @Test func badRequestsFailClearly() async throws {
        let corpus = try Self.makeCorpus(count: 20, seed: 1)
        let searcher = Searcher(store: corpus.store, embedder: MappedEmbedder(dimension: 8))
        for mode in SearchMode.allCases {
            var request = SearchRequest(query: "qq", namespace: "ns")
            request.mode = mode
            request.filter = try Filter.parse(json: #"{"n": "seven"}"#)
            await #expect { _ = try await searcher.search(request) } throws: { error in
                (error as? VectorStoreError)?.code == .invalidFilter
            }
            request.filter = .all
            request.ranking.mmrLambda = -1
            await #expect { _ = try await searcher.search(request) } throws: { error in
                (error as? RetrievalError)?.code == .invalidArgument && "\(error)".contains("mmr")
            }
            request.ranking.mmrLambda = nil
            request.topK = 0
            await #expect(throws: RetrievalError.self) { _ = try await searcher.search(request) }
            request.topK = 10
            request.namespace = "missing"
            await #expect { _ = try await searcher.search(request) } throws: { error in
                (error as? VectorStoreError)?.code == .namespaceNotFound
            }
            request.namespace = "ns"
            request.query = "  "
            await #expect(throws: RetrievalError.self) { _ = try await searcher.search(request) }
            // Hostile query text is just words.
            request.query = "\"NEAR(qq* OR) AND ^zz: \""
            _ = try await searcher.search(request)
        }
    }

    @Test func theQueryPathRetrievesWithTheRequestedMode() async throws {
        let corpus = try Self.makeCorpus(count: 200, seed: 3)
        let engine = try QueryEngine(store: corpus.store, embedder: MappedEmbedder(dimension: 8), time: ManualTime())
        var request = QueryRequest(query: "qq xz", namespace: "ns")
        request.topK = 3
        request.mode = .bm25
        let searcher = Searcher(store: corpus.store, embedder: MappedEmbedder(dimension: 8))
        for mode in SearchMode.allCases {
            request.mode = mode
            let answer = try await engine.answer(request)
            var search = SearchRequest(query: "qq xz", namespace: "ns")
            search.mode = mode
            search.topK = 9    // top_k × the engine's over-fetch of 3
            let expected = QueryEngine.deduplicated(try await searcher.search(search)).prefix(3).map(\.chunkID)
            #expect(answer.sources.map(\.chunkID) == Array(expected), "\(mode)")
        }
    }
}
