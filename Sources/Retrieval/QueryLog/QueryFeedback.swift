import Foundation

/// A user's rating of an answer (`POST /api/v1/feedback`).
public struct QueryFeedback: Sendable, Equatable, Codable {
    /// The `query_id` returned with the answer (a `QueryLogEntry.id`).
    public var queryID: String
    /// -1 (bad) … 5; the HTTP layer decides the scale it offers (thumbs: -1/1, stars: 1–5).
    public var rating: Int
    public var comment: String?
    public var createdAt: Date

    public init(queryID: String, rating: Int, comment: String? = nil, createdAt: Date = Date()) {
        self.queryID = queryID
        self.rating = rating
        self.comment = comment
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case rating, comment
        case queryID = "query_id", createdAt = "created_at"
    }
}
