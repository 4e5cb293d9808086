import Foundation
import Ingest
import VectorStore

/// What one evaluation runs: where the corpus lives and how it is searched.
public struct EvaluationOptions: Sendable {
    public var namespace: String
    public var mode: SearchMode = .dense
    /// Results retrieved per query (Recall@100 needs 100).
    public var topK = 100
    /// Evaluate only the first N queries of the split (nil: all).
    public var limit: Int?
    /// Documents per embedding call and per store write while ingesting the corpus.
    public var batchSize = 64
    /// Drops a result whose id equals the query's id, as BEIR's evaluation does by default.
    public var ignoreIdenticalIDs = true

    public init(namespace: String) {
        self.namespace = namespace
    }
}

/// The scores of one evaluation (means over the evaluated queries) and the search latency.
public struct EvaluationReport: Sendable, Equatable {
    public var ndcgAt10: Double
    public var recallAt100: Double
    public var mrrAt10: Double
    /// Queries evaluated.
    public var queries: Int
    /// Per-query latency (embedding the query plus the search), nearest-rank percentiles, milliseconds.
    public var p50Ms: Double
    public var p99Ms: Double
    public var mode: SearchMode
    public var namespace: String
    /// Vectors in the namespace after ingest (one per corpus document).
    public var documents: Int
    /// Corpus documents embedded and written by this run (0 when the namespace already held the corpus).
    public var ingested: Int
}

/// Progress of an evaluation, for a progress line.
public enum EvaluationProgress: Sendable, Equatable {
    /// `done` of `total` corpus documents embedded and stored.
    case embedded(done: Int, total: Int)
    /// `done` of `total` queries searched.
    case searched(done: Int, total: Int)
}

/// Runs a BEIR evaluation against a namespace: ingests the corpus (one vector per document, id = the BEIR id)
/// when the namespace is missing, empty or partly written, then searches every query of the split.
public struct Evaluator: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder

    public init(store: VectorStore, embedder: any Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// - Throws: `RetrievalError` (`.unsupported`) for a mode the searcher lacks, before anything is ingested;
    ///   `RetrievalError` (`.embedderMismatch`) or `IngestError` for a namespace of another model or of other
    ///   documents; embedding and store errors as they come.
    public func run(_ dataset: BEIRDataset, options: EvaluationOptions,
                    progress: (@Sendable (EvaluationProgress) -> Void)? = nil) async throws -> EvaluationReport {
        let queries = options.limit.map { Array(dataset.queries.prefix(max(0, $0))) } ?? dataset.queries
        if options.mode != .dense, let first = queries.first {
            try await preflight(mode: options.mode, query: first.text, namespace: options.namespace)
        }
        let ingested = try await ingestCorpus(dataset.corpus, options: options, progress: progress)
        let info = try store.namespace(options.namespace)
        if let model = info.model, model != embedder.modelID {
            throw RetrievalError(.embedderMismatch,
                "namespace \"\(options.namespace)\" was embedded with \(model); the configured embedder is \(embedder.modelID)")
        }

        var ndcg: [Double] = [], recall: [Double] = [], mrr: [Double] = [], latencies: [Double] = []
        let depth = options.topK + (options.ignoreIdenticalIDs ? 1 : 0)
        for (index, query) in queries.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            var ranking = try await search(query.text, namespace: options.namespace, mode: options.mode, k: depth)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            if options.ignoreIdenticalIDs { ranking.removeAll { $0 == query.id } }
            ranking = Array(ranking.prefix(options.topK))
            ndcg.append(EvaluationMetrics.ndcgAt(k: 10, ranking: ranking, grades: query.grades))
            recall.append(EvaluationMetrics.recallAt(k: 100, ranking: ranking, grades: query.grades))
            mrr.append(EvaluationMetrics.mrrAt(k: 10, ranking: ranking, grades: query.grades))
            progress?(.searched(done: index + 1, total: queries.count))
        }
        return EvaluationReport(
            ndcgAt10: EvaluationMetrics.mean(ndcg), recallAt100: EvaluationMetrics.mean(recall),
            mrrAt10: EvaluationMetrics.mean(mrr), queries: queries.count,
            p50Ms: EvaluationMetrics.percentile(latencies, 0.5), p99Ms: EvaluationMetrics.percentile(latencies, 0.99),
            mode: options.mode, namespace: options.namespace, documents: try store.namespace(options.namespace).count,
            ingested: ingested)
    }

    /// Embeds and stores the corpus documents the namespace lacks (all of them when it is missing or empty);
    /// returns how many were written. A namespace holding vectors but none of this corpus is refused, so an
    /// evaluation never mixes a dataset into someone's documents.
    public func ingestCorpus(_ corpus: [BEIRDocument], options: EvaluationOptions,
                             progress: (@Sendable (EvaluationProgress) -> Void)? = nil) async throws -> Int {
        let namespace = options.namespace
        let existing = (try? store.namespace(namespace))?.count ?? 0
        var missing = corpus
        if existing > 0 {
            missing = try corpus.filter { try store.ids(ofDocument: $0.id, in: namespace).isEmpty }
            if missing.count == corpus.count {
                throw IngestError(.invalidArgument,
                    "namespace \"\(namespace)\" holds \(existing) vectors but none of this dataset's documents; evaluate into an empty namespace",
                    context: namespace)
            }
            if missing.isEmpty { return 0 }
        }
        try Ingestor(store: store, embedder: embedder).prepareNamespace(namespace)
        let batchSize = max(1, options.batchSize)
        let total = corpus.count
        var done = total - missing.count
        progress?(.embedded(done: done, total: total))
        var start = 0
        while start < missing.count {
            let batch = missing[start..<min(start + batchSize, missing.count)]
            let vectors = try await embedder.embed(batch.map(\.embeddingText))
            let records = zip(batch, vectors).map { document, vector in
                VectorRecord(id: document.id, documentID: document.id, vector: vector, metadata: [:])
            }
            try store.upsert(records, into: namespace)
            done += batch.count
            start += batch.count
            progress?(.embedded(done: done, total: total))
        }
        return missing.count
    }

    /// The ids of the top `k` records for `text`. Dense embeds and scans the store directly (result ids are BEIR
    /// ids); other modes go through `Searcher`, which owns them.
    func search(_ text: String, namespace: String, mode: SearchMode, k: Int) async throws -> [String] {
        if mode == .dense {
            guard let vector = try await embedder.embed([text]).first else { return [] }
            return try store.search(namespace, vector: vector, k: k).map(\.id)
        }
        var request = SearchRequest(query: text, namespace: namespace)
        request.mode = mode
        request.topK = k
        return try await Searcher(store: store, embedder: embedder).search(request).map(\.chunkID)
    }

    /// Asks the searcher for one result in `mode` so an unsupported mode fails before the corpus is embedded.
    /// Only `.unsupported` is fatal here: a namespace that does not exist yet is what ingest is about to fix.
    func preflight(mode: SearchMode, query: String, namespace: String) async throws {
        var request = SearchRequest(query: query, namespace: namespace)
        request.mode = mode
        request.topK = 1
        do {
            _ = try await Searcher(store: store, embedder: embedder).search(request)
        } catch let error as RetrievalError where error.code == .unsupported {
            throw error
        } catch {
            return
        }
    }
}
