import Foundation
import VectorStore

/// An answer as the caches keep it: the text, its numbered sources, the model that wrote it and when.
public struct CachedAnswer: Sendable, Equatable, Codable {
    public var answer: String
    public var sources: [CachedSource] {
        didSet { hits = sources.map(\.hit) }
    }
    /// `sources` as search hits, made once: every cache hit answers with them, and rebuilding each one (its
    /// metadata dictionary included) per request was a visible part of a cached answer's cost.
    public private(set) var hits: [SearchHit]
    public var model: String
    /// True when the answer was assembled from the passages rather than written by an LLM.
    public var degraded: Bool
    /// When the answer was computed, in seconds of the cache's `TimeSource`.
    public var createdAt: Double
    /// Serialised forms of this answer's parts, made once and reused by every cache hit (not part of the value).
    public let rendering = RenderingMemo()

    public init(answer: String, sources: [CachedSource], model: String, degraded: Bool = false, createdAt: Double) {
        self.answer = answer
        self.sources = sources
        hits = sources.map(\.hit)
        self.model = model
        self.degraded = degraded
        self.createdAt = createdAt
    }

    public init(answer: String, hits: [SearchHit], model: String, degraded: Bool = false, createdAt: Double) {
        self.init(answer: answer, sources: hits.map(CachedSource.init), model: model, degraded: degraded,
                  createdAt: createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case answer, sources, model, degraded
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(answer: try container.decode(String.self, forKey: .answer),
                  sources: try container.decode([CachedSource].self, forKey: .sources),
                  model: try container.decode(String.self, forKey: .model),
                  degraded: try container.decode(Bool.self, forKey: .degraded),
                  createdAt: try container.decode(Double.self, forKey: .createdAt))
    }
}
