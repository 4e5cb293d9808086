import Ingest

/// A provider with retries and a circuit breaker: up to `maxAttempts` attempts with exponential backoff and
/// full jitter (honouring `Retry-After`), through the provider's `CircuitBreaker`.
///
/// Retried: 408, 429, 5xx, transient transport failures (refused or reset connections, DNS) and timeouts.
/// Never retried: other 4xx, decoding errors, cancellation. Every attempt asks the breaker first; once it is
/// open, no further attempt is made. Backoff waits go through the `TimeSource`. A stream is retried only
/// while it has emitted nothing: after its first token an error ends it.
public struct RetryingProvider: LLMProvider {
    /// The provider being wrapped.
    public let base: any LLMProvider
    /// This provider's breaker (shared by every request through this value and its copies).
    public let breaker: CircuitBreaker
    public let configuration: ResilienceConfiguration
    private let time: any TimeSource
    private let jitter: @Sendable () -> Double

    public var name: String { base.name }
    public var model: String { base.model }

    /// - Parameters:
    ///   - configuration: attempts, backoff and breaker settings (`[resilience]`).
    ///   - breaker: the breaker to use (default: a new one from `configuration`, on `time`).
    ///   - time: the clock backoff waits on (default `SystemTime`).
    ///   - jitter: a uniform random number in [0, 1] scaling each backoff (default `Double.random`).
    public init(_ base: any LLMProvider, configuration: ResilienceConfiguration = ResilienceConfiguration(),
                breaker: CircuitBreaker? = nil, time: any TimeSource = SystemTime(),
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.base = base
        self.configuration = configuration
        self.time = time
        self.jitter = jitter
        self.breaker = breaker ?? CircuitBreaker(name: base.name, failureThreshold: configuration.breakerFailures,
                                                 openDuration: configuration.breakerOpen, time: time)
    }

    /// - Throws: the last attempt's `ProviderError`; `.circuitOpen` when the breaker refused the first attempt;
    ///   `CancellationError`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var attempts = 0
        return try await complete(request, deadline: nil, attempts: &attempts)
    }

    /// Streams with retries before the first token (see `LLMProvider.stream(_:)`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        ProviderTransport.makeStream { continuation in
            var attempts = 0
            try await self.stream(request, deadline: nil, attempts: &attempts) { continuation.yield($0) }
        }
    }

    // MARK: - with a deadline and an attempt count (for ProviderChain)

    /// `complete(_:)` that counts attempts into `attempts` and makes no attempt or backoff that would start at
    /// or past `deadline` (a `time.now()` value); it then throws the last error.
    func complete(_ request: ChatRequest, deadline: Double?, attempts: inout Int) async throws -> ChatResponse {
        var made = 0
        var last: ProviderError?
        while true {
            try await admit(made: made, last: last, deadline: deadline)
            made += 1
            attempts += 1
            do {
                let response = try await base.complete(request)
                await breaker.recordSuccess()
                return response
            } catch {
                let failure = try await settle(error)
                last = failure
                try await backoff(after: failure, made: made, deadline: deadline)
            }
        }
    }

    /// Streams `request` into `emit`, retrying while nothing was emitted. Counts attempts into `attempts`.
    /// - Throws: the last `ProviderError` (before or after the first event), `.circuitOpen`, `CancellationError`.
    func stream(_ request: ChatRequest, deadline: Double?, attempts: inout Int,
                emit: (ChatStreamEvent) -> Void) async throws {
        var made = 0
        var last: ProviderError?
        while true {
            try await admit(made: made, last: last, deadline: deadline)
            made += 1
            attempts += 1
            var emitted = false
            do {
                for try await event in base.stream(request) {
                    emitted = true
                    emit(event)
                }
                try Task.checkCancellation()  // a cancelled stream ends early without an error
                await breaker.recordSuccess()
                return
            } catch {
                let failure = try await settle(error)
                if emitted { throw failure }
                last = failure
                try await backoff(after: failure, made: made, deadline: deadline)
            }
        }
    }

    /// Before an attempt: cancellation, deadline and breaker checks.
    private func admit(made: Int, last: ProviderError?, deadline: Double?) async throws {
        try Task.checkCancellation()
        if let last, let deadline, time.now() >= deadline { throw last }
        guard await breaker.tryAcquire() else {
            if let last { throw last }
            let wait = await breaker.secondsUntilProbe ?? 0
            throw ProviderError(kind: .circuitOpen, provider: name,
                                message: "\(name): circuit breaker open after \(configuration.breakerFailures) consecutive failures; next probe in \(Int(wait.rounded(.up))) s")
        }
    }

    /// After a failed attempt: tells the breaker and returns the error as a `ProviderError`; cancellation
    /// releases the breaker's permit and is rethrown.
    private func settle(_ error: any Error) async throws -> ProviderError {
        if error is CancellationError || Task.isCancelled {
            await breaker.release()
            throw CancellationError()  // whatever the aborted transfer reported, the cause is the cancellation
        }
        let failure = error as? ProviderError
            ?? ProviderError(kind: .transport, provider: name, message: "\(name): \(error)", isRetryable: false)
        await breaker.record(failure)
        return failure
    }

    /// Throws `failure` unless another attempt is allowed, then waits the backoff.
    private func backoff(after failure: ProviderError, made: Int, deadline: Double?) async throws {
        let policy = configuration.retryPolicy
        guard failure.isRetryable, made < policy.maxAttempts else { throw failure }
        if await breaker.state == .open { throw failure }  // this failure opened it: no point waiting
        let delay = policy.delay(afterAttempt: made, retryAfter: failure.retryAfter, random: jitter())
        if let deadline, time.now() + delay >= deadline { throw failure }
        try await time.sleep(seconds: delay)
    }
}
