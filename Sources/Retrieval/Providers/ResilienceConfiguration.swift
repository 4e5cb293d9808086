import Ingest

/// The `[resilience]` settings: retries, circuit breakers and the per-request deadline. Durations in seconds.
public struct ResilienceConfiguration: Sendable, Equatable {
    /// Attempts per provider and request, the first included (default 3; at least 1).
    public var maxAttempts: Int
    /// Backoff ceiling after the first failed attempt; it doubles per attempt (default 1 s). The wait is
    /// uniform in [0, ceiling] (full jitter), or the server's `Retry-After`.
    public var backoffInitial: Double
    /// Cap of the backoff ceiling and of an honoured `Retry-After` (default 10 s).
    public var backoffMax: Double
    /// Consecutive failures that open a provider's circuit breaker (default 5).
    public var breakerFailures: Int
    /// Seconds a breaker stays open before one half-open probe is let through (default 60).
    public var breakerOpen: Double
    /// Seconds one request may take through the whole chain: every provider, attempt and backoff (default 60).
    /// For a stream it bounds the time to the first token.
    public var deadline: Double

    public init(maxAttempts: Int = 3, backoffInitial: Double = 1, backoffMax: Double = 10,
                breakerFailures: Int = 5, breakerOpen: Double = 60, deadline: Double = 60) {
        self.maxAttempts = maxAttempts
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.breakerFailures = breakerFailures
        self.breakerOpen = breakerOpen
        self.deadline = deadline
    }

    /// The backoff schedule as the shared `RetryPolicy`.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: max(1, maxAttempts), initialDelay: backoffInitial, maxDelay: backoffMax)
    }
}
