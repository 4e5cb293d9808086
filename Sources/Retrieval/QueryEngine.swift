import Foundation
import Ingest
import VectorStore

/// A question to answer from a namespace.
public struct QueryRequest: Sendable {
    public var query: String
    public var namespace: String
    public var topK = 5
    public var filter: Filter = .all
    /// Token budget for the passages given to the model (seed default 4000).
    public var contextWindow = 4000
    public var temperature = 0.7
    public var clearance: AccessLevel = .restricted

    public init(query: String, namespace: String) {
        self.query = query
        self.namespace = namespace
    }
}

/// An answer with its numbered sources.
public struct QueryAnswer: Sendable {
    public var answer: String
    public var sources: [SearchHit]
    public var latencyMs: Int
    public var cached: Bool
    public var model: String
    /// True when the answer was assembled from the passages (no LLM configured or reachable).
    public var degraded: Bool
}

/// Retrieval-augmented answering: validate → retrieve (caller's filter and clearance) → drop chunks flagged
/// as prompt injection → drop near-duplicates → pack the best into the context budget → answer.
///
/// With no LLM provider configured the answer is extractive (`degraded: true`).
public struct QueryEngine: Sendable {
    public let searcher: Searcher
    public let answerer: ExtractiveAnswerer
    public var maxQueryCharacters = 4000

    public init(store: VectorStore, embedder: any Embedder) {
        searcher = Searcher(store: store, embedder: embedder)
        answerer = ExtractiveAnswerer(embedder: embedder)
    }

    public func answer(_ request: QueryRequest) async throws -> QueryAnswer {
        let started = Date()
        let question = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { throw RetrievalError(.invalidQuery, "query is empty or only whitespace") }
        guard question.count <= maxQueryCharacters else {
            throw RetrievalError(.invalidQuery, "query is \(question.count) characters; the limit is \(maxQueryCharacters)")
        }
        guard request.topK > 0 else { throw RetrievalError(.invalidQuery, "top_k must be positive") }
        var search = SearchRequest(query: question, namespace: request.namespace)
        // Over-fetch so that dropping flagged and duplicate chunks still leaves top_k.
        search.topK = request.topK * 3
        search.filter = .and([request.filter, .field("prompt_injection", .ne(.bool(true)))])
        if request.filter == .all { search.filter = .field("prompt_injection", .ne(.bool(true))) }
        search.clearance = request.clearance
        let hits = try await searcher.search(search)
        let passages = Self.pack(Self.deduplicated(hits), topK: request.topK, budget: request.contextWindow,
                                 counter: searcher.embedder)
        let answer = try await answerer.answer(question: question, passages: passages)
        return QueryAnswer(answer: answer, sources: passages, latencyMs: Int(Date().timeIntervalSince(started) * 1000),
                           cached: false, model: "extractive", degraded: true)
    }

    /// Drops chunks whose text is (nearly) the same as a better-ranked one: overlapping chunks and copies.
    static func deduplicated(_ hits: [SearchHit]) -> [SearchHit] {
        var kept: [(hit: SearchHit, shingles: Set<String>)] = []
        for hit in hits {
            let words = hit.text.lowercased().split { !$0.isLetter && !$0.isNumber }
            var shingles = Set<String>()
            if words.count >= 3 { for i in 0...(words.count - 3) { shingles.insert(words[i..<(i + 3)].joined(separator: " ")) } }
            let duplicate = kept.contains { other in
                let union = other.shingles.union(shingles).count
                return union > 0 && Double(other.shingles.intersection(shingles).count) / Double(union) >= 0.8
            }
            if !duplicate { kept.append((hit, shingles)) }
        }
        return kept.map(\.hit)
    }

    /// The best passages that fit `budget` tokens, at most `topK`.
    static func pack(_ hits: [SearchHit], topK: Int, budget: Int, counter: any TokenCounter) -> [SearchHit] {
        var used = 0
        var packed: [SearchHit] = []
        for hit in hits where packed.count < topK {
            let tokens = counter.countTokens(hit.text)
            if used + tokens > budget { continue }
            used += tokens
            packed.append(hit)
        }
        return packed
    }
}
