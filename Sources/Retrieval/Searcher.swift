import Foundation
import Ingest
import VectorStore

/// Searches a namespace's chunks by embedding similarity, BM25 or both fused, and joins their text and source.
///
/// Every mode applies the request's filter and clearance before taking its top k: dense inside the vector scan,
/// BM25 by checking each match against the same compiled candidate set (`VectorStore.visible`), so a chunk a
/// caller may not see is never ranked, and a filter never leaves fewer than k results when k chunks qualify.
public struct Searcher: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder

    public init(store: VectorStore, embedder: any Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// - Throws: `RetrievalError` for an empty query, bad ranking options or a namespace embedded by another
    ///   model; `VectorStoreError` for an unknown namespace or a bad filter.
    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        try await search(request, queryVector: nil)
    }

    /// Searches with a query embedding the caller already has (the query path embeds once for the semantic
    /// cache and retrieval).
    public func search(_ request: SearchRequest, queryVector: [Float]?) async throws -> [SearchHit] {
        let ranked = try await rank(request, queryVector: queryVector)
        return try await blocking { [self] in try join(ranked, namespace: request.namespace) }
    }

    /// The ranked chunk ids and scores of `search`, without fetching text: what evaluation measures.
    /// - Throws: as `search`.
    public func rank(_ request: SearchRequest, queryVector: [Float]? = nil) async throws -> [RankedID] {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw RetrievalError(.invalidQuery, "query is empty") }
        guard request.topK > 0 else { throw RetrievalError(.invalidArgument, "top_k must be positive, got \(request.topK)") }
        try request.ranking.validate()
        let info = try store.namespace(request.namespace)
        let mode = request.mode
        let diversify = request.ranking.mmrLambda != nil
        let depth = (mode == .hybrid || diversify) ? max(request.ranking.candidates, request.topK) : request.topK
        // BM25 runs on its own thread while the query is embedded and the vectors are scanned.
        async let lexicalList = mode == .dense ? [] : lexicalCandidates(query, request: request, k: depth)
        var dense: [RankedID] = []
        if mode != .bm25 {
            if let model = info.model, model != embedder.modelID {
                throw RetrievalError(.embedderMismatch,
                    "namespace \"\(request.namespace)\" was embedded with \(model); the configured embedder is \(embedder.modelID)")
            }
            var vector = queryVector
            if vector == nil {
                // Reject a bad filter before paying for the embedding; the search checks it again either way.
                try store.checkFilter(request.filter, namespace: request.namespace)
                vector = try await embedder.embed([query]).first
            }
            if let vector {
                dense = try await blocking { [store] in
                    try store.search(request.namespace, vector: vector, k: depth, filter: request.filter,
                                     clearance: request.clearance).map { RankedID(id: $0.id, score: Double($0.score)) }
                }
            }
        }
        let lexical = try await lexicalList
        var ranked: [RankedID]
        switch mode {
        case .dense: ranked = dense
        case .bm25: ranked = lexical
        case .hybrid:
            switch request.ranking.fusion {
            case .rrf: ranked = Fusion.reciprocalRank(dense: dense, lexical: lexical, k: request.ranking.rrfK)
            case .weighted: ranked = Fusion.weighted(dense: dense, lexical: lexical, denseWeight: request.ranking.denseWeight)
            }
        }
        if let lambda = request.ranking.mmrLambda {
            let pool = ranked
            ranked = try await blocking { [store] in
                let vectors = try store.get(ids: pool.map(\.id), from: request.namespace)
                return Diversification.maximalMarginalRelevance(
                    pool, vectors: Dictionary(vectors.map { ($0.id, $0.vector) }, uniquingKeysWith: { a, _ in a }),
                    k: request.topK, lambda: lambda)
            }
        }
        return Array(ranked.prefix(request.topK))
    }

    private func lexicalCandidates(_ query: String, request: SearchRequest, k: Int) async throws -> [RankedID] {
        try await blocking { [self] in try lexicalRanking(LexicalQuery(query), request: request, k: k) }
    }

    /// The best `k` chunks by BM25 among those that pass the request's filter and clearance (and exist in the
    /// vector store: a chunk whose vector was deleted behind the index's back is not returned).
    func lexicalRanking(_ query: LexicalQuery, request: SearchRequest, k: Int) throws -> [RankedID] {
        let selective = try store.restricts(request.namespace, filter: request.filter, clearance: request.clearance)
        return try LexicalIndex(store: store).search(query, namespace: request.namespace, k: k, selective: selective) { ids in
            try store.visible(ids, in: request.namespace, filter: request.filter, clearance: request.clearance)
        }.map { RankedID(id: $0.chunkID, score: $0.score) }
    }

    /// Attaches chunk text, heading path, document source and metadata to ranked ids. An id deleted since it
    /// was ranked is left out.
    func join(_ ranked: [RankedID], namespace: String) throws -> [SearchHit] {
        let records = try store.get(ids: ranked.map(\.id), from: namespace)
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let repository = DocumentRepository(store: store)
        let chunks = try repository.chunks(namespace: namespace, ids: ranked.map(\.id))
        let sources = try repository.sources(namespace: namespace, ids: Set(records.compactMap(\.documentID)))
        return ranked.compactMap { item in
            guard let record = byID[item.id] else { return nil }
            let chunk = chunks[item.id]
            let documentID = record.documentID ?? chunk?.documentID ?? ""
            let source = sources[documentID]
            return SearchHit(chunkID: item.id, documentID: documentID, score: Float(item.score), text: chunk?.text ?? "",
                             source: source?.source ?? "", title: source?.title ?? "", headingPath: chunk?.headingPath ?? "",
                             metadata: record.metadata)
        }
    }
}

/// Runs blocking store work (SQLite, BLAS) on a Dispatch thread rather than the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try body() })
        }
    }
}
