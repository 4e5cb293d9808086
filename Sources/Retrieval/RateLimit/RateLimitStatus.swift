/// A limit's state after a request, for the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
/// response headers.
public struct RateLimitStatus: Sendable, Equatable {
    /// Which bucket this describes.
    public var scope: RateLimitScope
    /// Requests (or tokens, for `.tokens`) per minute; 0 when unlimited (send no headers then).
    public var limit: Int
    /// Whole requests (or tokens) left now.
    public var remaining: Int
    /// Seconds until the bucket is full again.
    public var reset: Double

    public init(scope: RateLimitScope, limit: Int, remaining: Int, reset: Double) {
        self.scope = scope
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
    }

    /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (whole seconds, rounded up).
    public var headers: [String: String] {
        ["RateLimit-Limit": String(limit), "RateLimit-Remaining": String(remaining),
         "RateLimit-Reset": String(Int(reset.rounded(.up)))]
    }
}

/// The bucket a limit belongs to; the raw value is the `scope` label of `rag_rate_limit_rejections_total`.
public enum RateLimitScope: String, Sendable, Codable, CaseIterable {
    /// Requests per minute of one principal (user or API key).
    case user
    /// Requests per minute of the whole server.
    case global
    /// LLM tokens per minute of one principal.
    case tokens
}
