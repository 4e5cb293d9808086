import Foundation
import Ingest
import Testing
import TestSupport
import VectorStore
@testable import Retrieval

/// The evaluator end to end on a real store with an embedder whose vectors the test chooses.
@Suite struct EvaluationEvaluatorTests {
    static let dataset = BEIRDataset(directory: "mem", split: "test", corpus: [
        BEIRDocument(id: "d1", title: "Alpha", text: "one"),
        BEIRDocument(id: "d2", title: "Beta", text: "two"),
        BEIRDocument(id: "d3", title: "", text: "three"),
    ], queries: [
        BEIRQuery(id: "q1", text: "find alpha", grades: ["d1": 1]),
        BEIRQuery(id: "q2", text: "find beta and three", grades: ["d2": 2]),
        BEIRQuery(id: "q3", text: "nothing relevant", grades: ["d1": 0]),
    ])

    static var dense: EvaluationOptions {
        var options = EvaluationOptions(namespace: "beir")
        options.mode = .dense
        return options
    }

    static func embedder() -> MappedEmbedder {
        MappedEmbedder(dimension: 4, [
            "Alpha one": [1, 0, 0, 0], "Beta two": [0, 1, 0, 0], "three": [0, 0, 1, 0],
            "find alpha": [1, 0.1, 0, 0], "find beta and three": [0, 0.5, 1, 0], "nothing relevant": [0, 0, 0, 1],
        ])
    }

    @Test func ingestsTheCorpusAndScoresTheQueries() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        let embedder = Self.embedder()
        let evaluator = Evaluator(store: store, embedder: embedder)
        let events = EventLog()
        let report = try await evaluator.run(Self.dataset, options: Self.dense) { events.append($0) }
        // q1: d1 first (1, 1, 1); q2: d3, d2, d1 → d2 at rank 2 (1/log2(3), 1/2, 1); q3: no relevant doc (0, 0, 0).
        #expect(abs(report.ndcgAt10 - (1 + 1 / log2(3.0)) / 3) < 1e-9)
        #expect(report.mrrAt10 == 0.5)
        #expect(abs(report.recallAt100 - 2.0 / 3) < 1e-9)
        #expect(report.queries == 3)
        #expect(report.documents == 3)
        #expect(report.ingested == 3)
        #expect(report.mode == .dense)
        #expect(EvaluationOptions(namespace: "x").mode == .hybrid, "hybrid is the default")
        #expect(SearchRequest(query: "q", namespace: "x").mode == .hybrid && QueryRequest(query: "q", namespace: "x").mode == .hybrid)
        #expect(report.p50Ms >= 0 && report.p99Ms >= report.p50Ms)
        #expect(events.all.first == .embedded(done: 0, total: 3))
        #expect(events.all.contains(.embedded(done: 3, total: 3)))
        #expect(events.all.last == .searched(done: 3, total: 3))

        // One vector per document, id and document id the BEIR id; the namespace records the model.
        let records = try store.get(ids: ["d1", "d2", "d3"], from: "beir")
        #expect(Set(records.map(\.id)) == ["d1", "d2", "d3"])
        #expect(records.allSatisfy { $0.documentID == $0.id })
        #expect(try store.namespace("beir").model == embedder.modelID)
        // One document and one chunk per BEIR document, holding "title text" (what BM25 indexes).
        let chunks = try DocumentRepository(store: store).chunks(namespace: "beir", ids: ["d1", "d2", "d3"])
        #expect(chunks.mapValues(\.text) == ["d1": "Alpha one", "d2": "Beta two", "d3": "three"])
        #expect(try DocumentRepository(store: store).list(namespace: "beir").map(\.title).sorted() == ["", "Alpha", "Beta"])

        // A second run reuses the namespace: nothing is embedded again.
        let again = try await evaluator.run(Self.dataset, options: Self.dense)
        #expect(again.ingested == 0)
        #expect(again.ndcgAt10 == report.ndcgAt10)
    }

    @Test func completesAPartlyWrittenNamespaceAndHonoursLimitAndBatchSize() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        let evaluator = Evaluator(store: store, embedder: Self.embedder())
        var options = EvaluationOptions(namespace: "beir")
        options.batchSize = 1
        options.limit = 1
        _ = try await evaluator.ingestCorpus(Array(Self.dataset.corpus.prefix(1)), options: options)
        let report = try await evaluator.run(Self.dataset, options: options)
        #expect(report.ingested == 2)
        #expect(report.documents == 3)
        #expect(report.queries == 1)
        #expect(report.ndcgAt10 == 1)
    }

    @Test func topKLimitsTheRankingAndIdenticalIDsAreDropped() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        let evaluator = Evaluator(store: store, embedder: Self.embedder())
        // A query whose id is a document id: BEIR drops that document from its results.
        let dataset = BEIRDataset(directory: "mem", split: "test", corpus: Self.dataset.corpus,
                                  queries: [BEIRQuery(id: "d3", text: "find beta and three", grades: ["d3": 1, "d2": 1])])
        var options = EvaluationOptions(namespace: "beir")
        options.topK = 1
        let report = try await evaluator.run(dataset, options: options)
        #expect(report.mrrAt10 == 1)        // d2 is first once d3 is dropped
        #expect(report.recallAt100 == 0.5)  // only one result is kept
        options.ignoreIdenticalIDs = false
        options.topK = 100
        let kept = try await evaluator.run(dataset, options: options)
        #expect(kept.recallAt100 == 1)
    }

    @Test func everyModeRanksTheSameDocuments() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        let evaluator = Evaluator(store: store, embedder: Self.embedder())
        var options = Self.dense
        let dense = try await evaluator.run(Self.dataset, options: options)
        options.mode = .bm25
        let bm25 = try await evaluator.run(Self.dataset, options: options)
        // BM25 finds "alpha" in d1 and "beta"/"three" in d2 and d3 (d3 first: shorter); q3 has no relevant document.
        #expect(bm25.ingested == 0)
        #expect(bm25.mrrAt10 == 0.5)    // (1 + 1/2 + 0) / 3
        options.mode = .hybrid
        let hybrid = try await evaluator.run(Self.dataset, options: options)
        #expect(hybrid.mode == .hybrid && hybrid.ingested == 0 && hybrid.documents == 3)
        #expect(dense.queries == 3 && bm25.queries == 3 && hybrid.queries == 3)
        #expect(hybrid.recallAt100 == 2.0 / 3)
    }

    @Test func badRankingOptionsFailBeforeIngest() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        let embedder = Self.embedder()
        var options = EvaluationOptions(namespace: "beir")
        options.ranking.mmrLambda = 7
        await #expect(throws: RetrievalError.self) {
            _ = try await Evaluator(store: store, embedder: embedder).run(Self.dataset, options: options)
        }
        #expect(embedder.calls == 0)
        #expect((try? store.namespace("beir")) == nil)
    }

    @Test func aNamespaceWrittenByTheOldEvaluatorGainsItsTextWithoutReembedding() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        // What the previous version wrote: vectors only, no documents or chunks.
        try store.createNamespace("beir", dimension: 4, model: "test/mapped")
        try store.upsert([VectorRecord(id: "d1", documentID: "d1", vector: [1, 0, 0, 0]),
                          VectorRecord(id: "d2", documentID: "d2", vector: [0, 1, 0, 0])], into: "beir")
        let embedder = Self.embedder()
        var options = Self.dense
        options.mode = .bm25
        let report = try await Evaluator(store: store, embedder: embedder).run(Self.dataset, options: options)
        #expect(report.ingested == 3)
        #expect(embedder.calls == 1, "only d3 is embedded")
        #expect(try DocumentRepository(store: store).chunks(namespace: "beir", ids: ["d1", "d2", "d3"]).count == 3)
        #expect(report.mrrAt10 == 0.5)
    }

    @Test func refusesANamespaceOfOtherDocuments() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        try store.createNamespace("beir", dimension: 4)
        try store.upsert([VectorRecord(id: "other", vector: [1, 1, 0, 0])], into: "beir")
        await #expect(throws: IngestError.self) {
            _ = try await Evaluator(store: store, embedder: Self.embedder()).run(Self.dataset, options: Self.dense)
        }
    }

    @Test func refusesANamespaceOfAnotherModel() async throws {
        let dir = TemporaryDirectory("eval")
        let store = try openRetrievalStore(dir)
        _ = try await Evaluator(store: store, embedder: Self.embedder()).run(Self.dataset, options: EvaluationOptions(namespace: "beir"))
        let other = MappedEmbedder(modelID: "test/other", dimension: 4)
        await #expect(throws: RetrievalError.self) {
            _ = try await Evaluator(store: store, embedder: other).run(Self.dataset, options: EvaluationOptions(namespace: "beir"))
        }
    }
}

/// Collects progress events from a `@Sendable` callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [EvaluationProgress] = []
    func append(_ event: EvaluationProgress) { lock.withLock { events.append(event) } }
    var all: [EvaluationProgress] { lock.withLock { events } }
}
