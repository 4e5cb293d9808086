import Foundation
import VectorStore

/// How chunks are ranked: embedding cosine similarity (`dense`), BM25 over the chunk text (`bm25`), or both
/// fused (`hybrid`).
public enum SearchMode: String, Sendable, Codable, CaseIterable {
    case dense, bm25, hybrid

    /// The mode used when a request names none: hybrid, which beat both others on the SciFact train split
    /// (nDCG@10: hybrid 0.709, BM25 0.699, dense 0.660) and then on its test split (README, Retrieval quality).
    public static let `default`: SearchMode = .hybrid

    /// Parses a mode name, naming the accepted values when it is unknown.
    /// - Throws: `RetrievalError(.invalidArgument)`.
    public static func parse(_ name: String) throws -> SearchMode {
        guard let mode = SearchMode(rawValue: name.lowercased()) else {
            throw RetrievalError(.invalidArgument, "unknown search mode \"\(name)\"; expected dense, bm25 or hybrid")
        }
        return mode
    }
}

/// How hybrid search combines its two ranked lists.
public enum FusionMethod: String, Sendable, Codable, CaseIterable {
    /// Reciprocal rank fusion: Σ 1 / (k + rank) over the lists a chunk appears in. Uses ranks only, so the
    /// two scales (cosine, BM25) need no calibration.
    case rrf
    /// `w · dense + (1 − w) · bm25` on scores min–max normalised within each candidate list; a chunk absent from
    /// a list gets 0 from it.
    case weighted

    /// - Throws: `RetrievalError(.invalidArgument)` naming the accepted values.
    public static func parse(_ name: String) throws -> FusionMethod {
        guard let method = FusionMethod(rawValue: name.lowercased()) else {
            throw RetrievalError(.invalidArgument, "unknown fusion method \"\(name)\"; expected rrf or weighted")
        }
        return method
    }
}

/// The knobs of hybrid search and diversification. The defaults were chosen on the SciFact train split only
/// (README, Retrieval quality); the test split was never used to pick them.
public struct RankingOptions: Sendable, Hashable {
    public var fusion: FusionMethod = .rrf
    /// RRF's k (60 in Cormack et al. 2009): larger values flatten the advantage of the first ranks.
    public var rrfK: Double = 60
    /// The dense list's weight in `weighted` fusion, in 0...1.
    public var denseWeight: Double = 0.5
    /// Chunks taken from each side (after filter and clearance) before fusion, and the pool MMR picks from.
    /// Raised to `top_k` when that is larger.
    public var candidates = 100
    /// MMR's λ in 0...1 (1: pure relevance, 0: pure novelty), or nil for no diversification.
    public var mmrLambda: Double?

    public init() {}

    /// Largest `candidates` accepted.
    public static let maxCandidates = 10_000

    /// - Throws: `RetrievalError(.invalidArgument)` naming the field and the value at fault.
    public func validate() throws {
        guard rrfK.isFinite, rrfK >= 0 else {
            throw RetrievalError(.invalidArgument, "rrf_k must be a finite number ≥ 0, got \(rrfK)")
        }
        guard denseWeight.isFinite, (0...1).contains(denseWeight) else {
            throw RetrievalError(.invalidArgument, "dense_weight must be between 0 and 1, got \(denseWeight)")
        }
        guard (1...Self.maxCandidates).contains(candidates) else {
            throw RetrievalError(.invalidArgument, "candidates must be between 1 and \(Self.maxCandidates), got \(candidates)")
        }
        if let mmrLambda, !(mmrLambda.isFinite && (0...1).contains(mmrLambda)) {
            throw RetrievalError(.invalidArgument, "mmr lambda must be between 0 and 1, got \(mmrLambda)")
        }
    }

    /// The fields that change results, for cache keys (only those that apply to `mode`).
    func jsonObject(mode: SearchMode) -> [String: Any] {
        var object: [String: Any] = [:]
        if mode == .hybrid {
            object["fusion"] = fusion.rawValue
            object["candidates"] = candidates
            switch fusion {
            case .rrf: object["rrf_k"] = String(format: "%.4f", rrfK)
            case .weighted: object["dense_weight"] = String(format: "%.4f", denseWeight)
            }
        }
        if let mmrLambda {
            object["mmr_lambda"] = String(format: "%.4f", mmrLambda)
            object["candidates"] = candidates
        }
        return object
    }
}

/// A search over a namespace's chunks.
public struct SearchRequest: Sendable {
    public var query: String
    public var namespace: String
    public var topK = 10
    public var filter: Filter = .all
    public var mode: SearchMode = .default
    public var ranking = RankingOptions()
    /// The caller's clearance: rows above it are excluded inside the search, in every mode.
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
    /// Dense: cosine similarity. BM25: the BM25 score. Hybrid: the fused score (RRF or weighted). With MMR the
    /// hits come in MMR's order and keep this relevance score.
    public var score: Float
    public var text: String
    public var source: String
    public var title: String
    public var headingPath: String
    public var metadata: Metadata
}
