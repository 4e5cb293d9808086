import Foundation
import Ingest
import VectorStore

/// What one evaluation runs: where the corpus lives and how it is searched.
public struct EvaluationOptions: Sendable {
    public var namespace: String
    public var mode: SearchMode = .default
    /// Fusion, candidates and MMR, as for a search request.
    public var ranking = RankingOptions()
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
    /// Per-query latency (embedding the query when the mode needs it, the search, fusion), nearest-rank
    /// percentiles, milliseconds.
    public var p50Ms: Double
    public var p99Ms: Double
    public var mode: SearchMode
    public var ranking: RankingOptions
    public var namespace: String
    /// Vectors in the namespace after ingest (one per corpus document).
    public var documents: Int
    /// Corpus documents written by this run (0 when the namespace already held the corpus).
    public var ingested: Int
}

/// Progress of an evaluation, for a progress line.
public enum EvaluationProgress: Sendable, Equatable {
    /// `done` of `total` corpus documents embedded and stored.
    case embedded(done: Int, total: Int)
    /// `done` of `total` queries searched.
    case searched(done: Int, total: Int)
}

/// Runs a BEIR evaluation against a namespace: ingests the corpus when the namespace is missing, empty or partly
/// written, then searches every query of the split.
///
/// Each corpus document becomes one document with one chunk (`title + " " + text`, id = the BEIR id) holding its
/// vector and its BM25 row, so every mode ranks the same texts and result ids are BEIR ids.
public struct Evaluator: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder

    public init(store: VectorStore, embedder: any Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// - Throws: `RetrievalError` (`.invalidArgument`) for bad ranking options, before anything is ingested;
    ///   `RetrievalError` (`.embedderMismatch`) or `IngestError` for a namespace of another model or of other
    ///   documents; embedding and store errors as they come.
    public func run(_ dataset: BEIRDataset, options: EvaluationOptions,
                    progress: (@Sendable (EvaluationProgress) -> Void)? = nil) async throws -> EvaluationReport {
        try options.ranking.validate()
        guard options.topK > 0 else { throw RetrievalError(.invalidArgument, "top_k must be positive, got \(options.topK)") }
        let queries = options.limit.map { Array(dataset.queries.prefix(max(0, $0))) } ?? dataset.queries
        let ingested = try await ingestCorpus(dataset.corpus, options: options, progress: progress)
        let info = try store.namespace(options.namespace)
        if let model = info.model, model != embedder.modelID {
            throw RetrievalError(.embedderMismatch,
                "namespace \"\(options.namespace)\" was embedded with \(model); the configured embedder is \(embedder.modelID)")
        }

        let searcher = Searcher(store: store, embedder: embedder)
        var ndcg: [Double] = [], recall: [Double] = [], mrr: [Double] = [], latencies: [Double] = []
        let depth = options.topK + (options.ignoreIdenticalIDs ? 1 : 0)
        for (index, query) in queries.enumerated() {
            var request = SearchRequest(query: query.text, namespace: options.namespace)
            request.mode = options.mode
            request.ranking = options.ranking
            request.topK = depth
            let start = DispatchTime.now().uptimeNanoseconds
            var ranking = try await searcher.rank(request).map(\.id)
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
            mode: options.mode, ranking: options.ranking, namespace: options.namespace,
            documents: try store.namespace(options.namespace).count, ingested: ingested)
    }

    /// Stores the corpus documents the namespace lacks (all of them when it is missing or empty) as documents
    /// with one chunk each; returns how many were written. A document whose vector is already there (written by
    /// an older version, which stored vectors only) keeps it and gains its text; the others are embedded. A
    /// namespace holding vectors but none of this corpus is refused, so an evaluation never mixes a dataset into
    /// someone's documents.
    public func ingestCorpus(_ corpus: [BEIRDocument], options: EvaluationOptions,
                             progress: (@Sendable (EvaluationProgress) -> Void)? = nil) async throws -> Int {
        let namespace = options.namespace
        let existing = (try? store.namespace(namespace))?.count ?? 0
        var missing = corpus
        var reusable = Set<String>()
        if existing > 0 {
            let ids = corpus.map(\.id)
            let withVector = try store.visible(ids, in: namespace)
            guard withVector.contains(true) else {
                throw IngestError(.invalidArgument,
                    "namespace \"\(namespace)\" holds \(existing) vectors but none of this dataset's documents; evaluate into an empty namespace",
                    context: namespace)
            }
            let withText = try chunkIDs(ids, namespace: namespace)
            missing = corpus.filter { !withText.contains($0.id) }
            reusable = Set(zip(ids, withVector).filter { $0.1 && !withText.contains($0.0) }.map(\.0))
            if missing.isEmpty { return 0 }
        }
        try Ingestor(store: store, embedder: embedder).prepareNamespace(namespace)
        let repository = DocumentRepository(store: store)
        let batchSize = max(1, options.batchSize)
        let total = corpus.count
        var done = total - missing.count
        progress?(.embedded(done: done, total: total))
        var start = 0
        while start < missing.count {
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            var vectors = Dictionary(try store.get(ids: batch.map(\.id).filter(reusable.contains), from: namespace).map { ($0.id, $0.vector) },
                                     uniquingKeysWith: { a, _ in a })
            let toEmbed = batch.filter { vectors[$0.id] == nil }
            if !toEmbed.isEmpty {
                let embedded = try await embedder.embed(toEmbed.map(\.embeddingText))
                guard embedded.count == toEmbed.count else {
                    throw IngestError(.embedding, "embedder \(embedder.modelID) returned \(embedded.count) vectors for \(toEmbed.count) texts")
                }
                for (document, vector) in zip(toEmbed, embedded) { vectors[document.id] = vector }
            }
            let documents = batch.map { TextDocument(id: $0.id, title: $0.title, text: $0.embeddingText) }
            try repository.put(documents, vectors: batch.map { vectors[$0.id]! }, namespace: namespace)
            done += batch.count
            start += batch.count
            progress?(.embedded(done: done, total: total))
        }
        return missing.count
    }

    /// The ids among `ids` that have a chunk row in `namespace`.
    func chunkIDs(_ ids: [String], namespace: String) throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = ids[start..<min(ids.count, start + 500)]
            let placeholders = slice.map { _ in "?" }.joined(separator: ",")
            for row in try store.query("SELECT id FROM chunks WHERE namespace = ? AND id IN (\(placeholders))",
                                       [.text(namespace)] + slice.map { .text($0) }) {
                if let id = row.first?.string { found.insert(id) }
            }
        }
        return found
    }
}
