import Retrieval

extension RAGServer {
    /// Takes one request from the caller's rate limit (its key's or token's own `rpm`, else `[rate_limit]
    /// user_rpm`) and the global one, for routes that do not go through the query engine (which does this
    /// itself). With authentication off the local operator is not limited here, so benchmarks measure search.
    /// - Throws: `RateLimitRejection` (429 with `Retry-After`).
    func admit(_ context: ServerContext) async throws {
        guard authenticator != nil else { return }
        let principal = context.principal
        _ = try engine.limiter.acquire(principal: principal.id, limits: principal.caller.limits)
    }
}
