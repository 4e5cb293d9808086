import Foundation

/// A request refused by `RateLimiter`: which limit, for whom, and when to retry.
public struct RateLimitRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var scope: RateLimitScope
    /// The principal (user or API key id) the request was for.
    public var principal: String
    /// Seconds until the limit admits one more request.
    public var retryAfter: Double
    /// The exhausted limit's state (remaining 0).
    public var status: RateLimitStatus

    public init(scope: RateLimitScope, principal: String, retryAfter: Double, status: RateLimitStatus) {
        self.scope = scope
        self.principal = principal
        self.retryAfter = retryAfter
        self.status = status
    }

    public var message: String {
        let wait = String(format: "%.1f", retryAfter)
        return switch scope {
        case .user: "rate limit of \(status.limit) requests per minute reached for \"\(principal)\"; retry in \(wait) s"
        case .global: "server-wide rate limit of \(status.limit) requests per minute reached; retry in \(wait) s"
        case .tokens: "LLM token limit of \(status.limit) tokens per minute reached for \"\(principal)\"; retry in \(wait) s"
        }
    }

    public var description: String { message }

    /// The status headers plus `Retry-After` (whole seconds, rounded up, at least 1).
    public var headers: [String: String] {
        var headers = status.headers
        headers["Retry-After"] = String(max(1, Int(retryAfter.rounded(.up))))
        return headers
    }
}
