import Foundation

/// Token-bucket rate limits per principal (user or API key id) and for the whole server.
///
/// Every request takes one token from its principal's bucket (`[rate_limit] user_rpm`, default 100 per
/// minute) and one from the global bucket (`global_rpm`, default 10000); buckets start full, so a burst up to
/// the limit passes at once, then refill continuously. With `user_tpm` > 0 a principal also has an LLM-token
/// bucket: `charge(tokens:principal:)` debits it after each response (it may go into debt), and `acquire`
/// refuses requests while it is empty. A limit of 0 means unlimited. A principal may carry its own limits
/// (an API key's `--rpm`). Time comes from the injected `TimeSource`, so tests advance it instead of sleeping.
///
/// Thread-safe behind a lock rather than an actor: every request passes through `acquire`, and an actor hop
/// costs more than the bucket arithmetic.
public final class RateLimiter: @unchecked Sendable {
    /// The `[rate_limit]` section.
    public struct Configuration: Sendable, Equatable {
        /// Requests per minute per principal; 0 = unlimited. Default 100.
        public var userRPM: Int = 100
        /// Requests per minute for the whole server; 0 = unlimited. Default 10000.
        public var globalRPM: Int = 10000
        /// LLM tokens per minute per principal; 0 = unlimited (the default).
        public var userTPM: Int = 0
        /// Idle (full) principal buckets are forgotten once more than this many are tracked. Default 10000.
        public var maxTrackedPrincipals: Int = 10000

        public init(userRPM: Int = 100, globalRPM: Int = 10000, userTPM: Int = 0, maxTrackedPrincipals: Int = 10000) {
            self.userRPM = userRPM
            self.globalRPM = globalRPM
            self.userTPM = userTPM
            self.maxTrackedPrincipals = maxTrackedPrincipals
        }

        /// - Throws: `RetrievalError(.unsupported)` naming the negative key.
        public func validate() throws {
            for (key, value) in [("user_rpm", userRPM), ("global_rpm", globalRPM), ("user_tpm", userTPM)] where value < 0 {
                throw RetrievalError(.unsupported, "rate_limit.\(key) must be 0 (unlimited) or positive; got \(value)")
            }
        }
    }

    /// A principal's own limits; nil fields fall back to the configuration. 0 = unlimited.
    public struct Limits: Sendable, Hashable {
        public var rpm: Int?
        public var tpm: Int?

        public init(rpm: Int? = nil, tpm: Int? = nil) {
            self.rpm = rpm
            self.tpm = tpm
        }
    }

    public let configuration: Configuration
    private let time: any TimeSource
    private let metrics: RetrievalMetrics?
    private let lock = NSLock()
    // All guarded by lock.
    private var global: TokenBucket?
    private var requestBuckets: [String: TokenBucket] = [:]
    private var tokenBuckets: [String: TokenBucket] = [:]
    private var overrides: [String: Limits] = [:]
    private var rejected: [RateLimitScope: Int] = [:]

    /// Rejections per scope since creation (also in `rag_rate_limit_rejections_total`).
    public var rejections: [RateLimitScope: Int] { lock.withLock { rejected } }

    /// - Throws: `RetrievalError(.unsupported)` for a negative limit.
    public init(configuration: Configuration = Configuration(), time: any TimeSource = SystemTime(),
                metrics: RetrievalMetrics? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.time = time
        self.metrics = metrics
        if configuration.globalRPM > 0 {
            global = TokenBucket(capacity: configuration.globalRPM, now: time.now())
        }
    }

    /// Sets (or with nil clears) `principal`'s own limits, used when `acquire`/`charge` get no `limits`.
    public func setLimits(_ limits: Limits?, for principal: String) {
        lock.withLock { overrides[principal] = limits }
    }

    /// Admits one request of `principal` or refuses it.
    ///
    /// - Parameter limits: the principal's own limits for this call (e.g. from its API key); nil uses those set
    ///   with `setLimits` or the configuration.
    /// - Returns: the state of the principal's request limit (the global one when the principal is unlimited),
    ///   for the `RateLimit-*` headers.
    /// - Throws: `RateLimitRejection` for the first exhausted limit — tokens, then user, then global — with
    ///   `retryAfter` seconds. A refused request consumes nothing.
    public func acquire(principal: String, limits: Limits? = nil) throws(RateLimitRejection) -> RateLimitStatus {
        let now = time.now()
        lock.lock()
        defer { lock.unlock() }
        let (rpm, tpm) = effective(principal, limits)
        if tpm > 0 {
            var bucket = tokenBucket(principal, tpm, now)
            let ok = bucket.available(1, now: now)
            tokenBuckets[principal] = bucket
            if !ok { throw reject(.tokens, principal, bucket, limit: tpm) }
        }
        var user: TokenBucket?
        if rpm > 0 {
            var bucket = requestBucket(principal, rpm, now)
            let ok = bucket.available(1, now: now)
            requestBuckets[principal] = bucket
            if !ok { throw reject(.user, principal, bucket, limit: rpm) }
            user = bucket
        }
        if var bucket = global {
            let ok = bucket.available(1, now: now)
            global = bucket
            if !ok { throw reject(.global, principal, bucket, limit: configuration.globalRPM) }
            bucket.take(1, now: now)
            global = bucket
        }
        if var bucket = user {
            bucket.take(1, now: now)
            requestBuckets[principal] = bucket
            user = bucket
        }
        pruneIfNeeded(now)
        if let user {
            return RateLimitStatus(scope: .user, limit: rpm, remaining: user.remaining, reset: user.secondsUntilFull)
        }
        if let global {
            return RateLimitStatus(scope: .global, limit: configuration.globalRPM, remaining: global.remaining,
                                   reset: global.secondsUntilFull)
        }
        // Unlimited: limit 0 tells the HTTP layer to omit the RateLimit-* headers.
        return RateLimitStatus(scope: .user, limit: 0, remaining: 0, reset: 0)
    }

    /// Debits `tokens` LLM tokens (prompt + completion) from `principal`'s token bucket after a response. No-op
    /// when the principal's tpm is unlimited. The bucket may go negative; requests wait until it refills.
    public func charge(tokens: Int, principal: String, limits: Limits? = nil) {
        let tpm = lock.withLock { effective(principal, limits).tpm }
        guard tpm > 0, tokens > 0 else { return }
        let now = time.now()
        lock.withLock {
            var bucket = tokenBucket(principal, tpm, now)
            bucket.take(Double(tokens), now: now)
            tokenBuckets[principal] = bucket
        }
    }

    /// The principal's request-limit state without consuming anything (nil when unlimited).
    public func status(principal: String, limits: Limits? = nil) -> RateLimitStatus? {
        let now = time.now()
        return lock.withLock {
            let rpm = effective(principal, limits).rpm
            guard rpm > 0 else { return nil }
            var bucket = requestBucket(principal, rpm, now)
            bucket.refill(now: now)
            return RateLimitStatus(scope: .user, limit: rpm, remaining: bucket.remaining, reset: bucket.secondsUntilFull)
        }
    }

    /// Principals with a bucket in memory.
    public var trackedPrincipals: Int { lock.withLock { Set(requestBuckets.keys).union(tokenBuckets.keys).count } }

    // MARK: Internals (called with the lock held)

    private func effective(_ principal: String, _ limits: Limits?) -> (rpm: Int, tpm: Int) {
        let own = limits ?? overrides[principal]
        return (max(0, own?.rpm ?? configuration.userRPM), max(0, own?.tpm ?? configuration.userTPM))
    }

    private func requestBucket(_ principal: String, _ rpm: Int, _ now: Double) -> TokenBucket {
        guard var bucket = requestBuckets[principal] else { return TokenBucket(capacity: rpm, now: now) }
        bucket.resize(capacity: rpm, now: now)
        return bucket
    }

    private func tokenBucket(_ principal: String, _ tpm: Int, _ now: Double) -> TokenBucket {
        guard var bucket = tokenBuckets[principal] else { return TokenBucket(capacity: tpm, now: now) }
        bucket.resize(capacity: tpm, now: now)
        return bucket
    }

    private func reject(_ scope: RateLimitScope, _ principal: String, _ bucket: TokenBucket, limit: Int) -> RateLimitRejection {
        rejected[scope, default: 0] += 1
        metrics?.recordRateLimitRejection(scope: scope.rawValue)
        return RateLimitRejection(scope: scope, principal: principal, retryAfter: bucket.secondsUntil(1),
                                  status: RateLimitStatus(scope: scope, limit: limit, remaining: 0,
                                                          reset: bucket.secondsUntilFull))
    }

    /// Forgets principals whose buckets have refilled completely (they would be recreated full anyway).
    private func pruneIfNeeded(_ now: Double) {
        guard requestBuckets.count + tokenBuckets.count > configuration.maxTrackedPrincipals else { return }
        requestBuckets = requestBuckets.filter { var b = $0.value; b.refill(now: now); return !b.isFull }
        tokenBuckets = tokenBuckets.filter { var b = $0.value; b.refill(now: now); return !b.isFull }
    }
}
