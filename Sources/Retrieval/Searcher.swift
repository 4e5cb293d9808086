import Foundation
import Ingest
import VectorStore

/// Retrieval modes. Dense is embedding cosine similarity; BM25 and hybrid arrive with the quality work.
public enum SearchMode: String, Sendable, Codable, CaseIterable {
    case dense, bm25, hybrid
}

/// A search over a namespace's chunks.
public struct SearchRequest: Sendable {
    public var query: String
    public var namespace: String
    public var topK = 10
    public var filter: Filter = .all
    public var mode: SearchMode = .dense
    /// The caller's clearance: rows above it are excluded inside the search.
    public var clearance: AccessLevel = .restricted

    public init(query: String, namespace: String) {
        self.query = query
        self.namespace = namespace
    }
}

/// One retrieved chunk with its text and where it came from.
public struct SearchHit: Sendable, Equatable {
    public var chunkID: String
    public var documentID: String
    public var score: Float
    public var text: String
    public var source: String
    public var title: String
    public var headingPath: String
    public var metadata: Metadata
}

/// Embeds a query with the namespace's model and searches its chunks, joining their text and source.
public struct Searcher: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder

    public init(store: VectorStore, embedder: any Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// - Throws: `RetrievalError` for an empty query, an unsupported mode or a namespace embedded by another
    ///   model; `VectorStoreError` for an unknown namespace or a bad filter.
    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        try await search(request, queryVector: nil)
    }

    /// Searches with a query embedding the caller already has (the query path embeds once for the semantic
    /// cache and retrieval).
    public func search(_ request: SearchRequest, queryVector: [Float]?) async throws -> [SearchHit] {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw RetrievalError(.invalidQuery, "query is empty") }
        guard request.mode == .dense else {
            throw RetrievalError(.unsupported, "search mode \(request.mode.rawValue) is not available yet; use --mode dense")
        }
        let info = try store.namespace(request.namespace)
        if let model = info.model, model != embedder.modelID {
            throw RetrievalError(.embedderMismatch,
                "namespace \"\(request.namespace)\" was embedded with \(model); the configured embedder is \(embedder.modelID)")
        }
        let vector: [Float]
        if let queryVector {
            vector = queryVector
        } else {
            // Reject a bad filter before paying for the embedding; `store.search` checks it again either way.
            try store.checkFilter(request.filter, namespace: request.namespace)
            guard let embedded = try await embedder.embed([query]).first else { return [] }
            vector = embedded
        }
        let results = try store.search(request.namespace, vector: vector, k: request.topK, filter: request.filter,
                                       clearance: request.clearance)
        return try join(results, namespace: request.namespace)
    }

    /// Attaches chunk text, heading path and document source to vector hits.
    func join(_ results: [SearchResult], namespace: String) throws -> [SearchHit] {
        let repository = DocumentRepository(store: store)
        let chunks = try repository.chunks(namespace: namespace, ids: results.map(\.id))
        let sources = try repository.sources(namespace: namespace, ids: Set(results.compactMap(\.documentID)))
        return results.map { result in
            let chunk = chunks[result.id]
            let documentID = result.documentID ?? chunk?.documentID ?? ""
            let source = sources[documentID]
            return SearchHit(chunkID: result.id, documentID: documentID, score: result.score, text: chunk?.text ?? "",
                             source: source?.source ?? "", title: source?.title ?? "", headingPath: chunk?.headingPath ?? "",
                             metadata: result.metadata)
        }
    }
}
