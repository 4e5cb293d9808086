import CurlHTTP
import Foundation

/// The resilient front of the LLM providers: tries the primary, then each backup in order, each with retries
/// and its own circuit breaker (`RetryingProvider`), all under one per-request deadline.
///
/// - Providers whose breaker is open are skipped (recorded as `.circuitOpen` failures).
/// - The deadline (`ResilienceConfiguration.deadline`, default 60 s) bounds the whole chain: it is checked on
///   the `TimeSource` before every attempt and backoff (no wait is started that would end past it), and it is
///   enforced in real time by racing the work against a timer, so a hung upstream is cut off (its transfer
///   aborted) when it runs out. The provider then in flight is charged a breaker failure.
/// - When every provider fails, `ProviderError.allFailed` lists each one's last error; the caller then falls
///   back to a stale cache or an extractive answer.
/// - Streams: retries and fallback happen only before the first token; the deadline bounds the time to it.
///
/// Create one chain at start-up and share it: breakers live as long as it does.
public struct ProviderChain: LLMProvider {
    /// The providers in order (primary first), each with its retries and breaker.
    public let members: [RetryingProvider]
    public let configuration: ResilienceConfiguration
    private let time: any TimeSource

    /// `"chain(primary,backup)"`.
    public var name: String { "chain(" + members.map(\.name).joined(separator: ",") + ")" }
    /// The primary's model (empty when the chain is empty).
    public var model: String { members.first?.model ?? "" }

    /// Wraps each provider with retries and a new breaker.
    /// - Parameters:
    ///   - providers: primary first, then the backups.
    ///   - configuration: `[resilience]` (default: 3 attempts, 1–10 s backoff, breaker 5 failures / 60 s, deadline 60 s).
    ///   - time: the clock for backoff, breakers and deadline checks (default `SystemTime`).
    ///   - jitter: uniform random number in [0, 1] scaling backoffs (default `Double.random`).
    public init(providers: [any LLMProvider], configuration: ResilienceConfiguration = ResilienceConfiguration(),
                time: any TimeSource = SystemTime(),
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        members = providers.map { RetryingProvider($0, configuration: configuration, time: time, jitter: jitter) }
        self.configuration = configuration
        self.time = time
    }

    /// Builds the providers of `[[llm.providers]]` (in order) on one HTTP client and wraps them.
    /// - Parameter client: shared by all providers (default `LLMProviderConfiguration.sharedClient`).
    public init(configurations: [LLMProviderConfiguration], resilience: ResilienceConfiguration = ResilienceConfiguration(),
                client: CurlClient = LLMProviderConfiguration.sharedClient, time: any TimeSource = SystemTime()) {
        self.init(providers: configurations.map { $0.makeProvider(client: client) }, configuration: resilience, time: time)
    }

    /// Uses already wrapped providers (their own retry settings and breakers); `configuration.deadline` bounds requests.
    public init(members: [RetryingProvider], configuration: ResilienceConfiguration = ResilienceConfiguration(),
                time: any TimeSource = SystemTime()) {
        self.members = members
        self.configuration = configuration
        self.time = time
    }

    /// Each provider's name and breaker state, in chain order (for `/metrics` and `/readyz`).
    public func breakerStates() async -> [(provider: String, state: CircuitBreaker.State)] {
        var states: [(provider: String, state: CircuitBreaker.State)] = []
        for member in members { states.append((member.name, await member.breaker.state)) }
        return states
    }

    // MARK: - complete

    /// The answer of the first provider that gives one.
    /// - Throws: see `completeWithReport(_:)`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try await completeWithReport(request).response
    }

    /// The answer, which provider gave it and how many attempts it took.
    /// - Throws: `ProviderError.allFailed` (each provider's last error in `failures`), or
    ///   `.deadlineExceeded` (the failures so far in `failures`); `CancellationError`.
    public func completeWithReport(_ request: ChatRequest) async throws -> ChainResult {
        let progress = ChainProgress()
        let deadline = time.now() + configuration.deadline
        do {
            return try await Self.race(seconds: configuration.deadline) {
                try await self.run(request, deadline: deadline, progress: progress)
            }
        } catch is DeadlineReached {
            if let index = progress.current { await members[index].breaker.recordFailure() }
            throw deadlineError(progress)
        }
    }

    private func run(_ request: ChatRequest, deadline: Double, progress: ChainProgress) async throws -> ChainResult {
        guard !members.isEmpty else { throw allFailed([]) }
        for (index, member) in members.enumerated() {
            try Task.checkCancellation()
            if time.now() >= deadline { throw deadlineError(progress) }
            progress.begin(index)
            var attempts = 0
            do {
                let response = try await member.complete(request, deadline: deadline, attempts: &attempts)
                let (total, retries, failures) = progress.finish(attempts: attempts, failure: nil)
                return ChainResult(response: response, provider: member.name, providerIndex: index,
                                   attempts: total, retries: retries, failures: failures)
            } catch let error as ProviderError {
                _ = progress.finish(attempts: attempts, failure: error)
            }
        }
        throw time.now() >= deadline ? deadlineError(progress) : allFailed(progress.failures)
    }

    // MARK: - stream

    /// Streams the first provider that produces a token (see `LLMProvider.stream(_:)`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                for try await event in streamWithReport(request) {
                    switch event {
                    case .started: break
                    case .delta(let text): continuation.yield(.delta(text))
                    case .done(let usage, _, _): continuation.yield(.done(usage))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Streams with fallback: `.started(provider:model:)` when a provider produced its first event, its
    /// `.delta`s, then `.done` with usage and attempt counts. Before the first token, failures are retried and
    /// fall back to the next provider; after it, an error ends the stream.
    /// - Throws (in the stream): `ProviderError.allFailed`, `.deadlineExceeded` (no token within the deadline),
    ///   or the committed provider's error after its first token.
    public func streamWithReport(_ request: ChatRequest) -> AsyncThrowingStream<ChainStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChainStreamEvent, any Error>.makeStream()
        let progress = ChainProgress()
        let deadline = time.now() + configuration.deadline
        let worker = Task {
            do {
                try await self.runStream(request, deadline: deadline, progress: progress) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: progress.isExpired ? self.deadlineError(progress) : error)
            }
        }
        let seconds = configuration.deadline
        let watchdog = Task {
            try? await SystemTime().sleep(seconds: seconds)
            guard !Task.isCancelled, progress.expire() else { return }  // a token came first: no deadline any more
            if let index = progress.current { await self.members[index].breaker.recordFailure() }
            continuation.finish(throwing: self.deadlineError(progress))
            worker.cancel()
        }
        continuation.onTermination = { _ in
            worker.cancel()
            watchdog.cancel()
        }
        return stream
    }

    private func runStream(_ request: ChatRequest, deadline: Double, progress: ChainProgress,
                           emit: (ChainStreamEvent) -> Void) async throws {
        guard !members.isEmpty else { throw allFailed([]) }
        for (index, member) in members.enumerated() {
            try Task.checkCancellation()
            if time.now() >= deadline { throw deadlineError(progress) }
            progress.begin(index)
            var attempts = 0
            var committed = false
            var live = true
            var usage: TokenUsage?
            do {
                try await member.stream(request, deadline: deadline, attempts: &attempts) { event in
                    if !committed {
                        committed = true
                        live = progress.commit()  // false: the deadline won the race; the watchdog ends the stream
                        if live { emit(.started(provider: member.name, model: member.model)) }
                    }
                    guard live else { return }
                    switch event {
                    case .delta(let text): emit(.delta(text))
                    case .done(let reported): usage = reported
                    }
                }
                let (total, retries, _) = progress.finish(attempts: attempts, failure: nil)
                if !committed { live = progress.commit(); if live { emit(.started(provider: member.name, model: member.model)) } }
                guard live else { return }
                emit(.done(usage: usage ?? TokenUsage(prompt: 0, completion: 0, estimated: true), attempts: total, retries: retries))
                return
            } catch let error as ProviderError {
                _ = progress.finish(attempts: attempts, failure: error)
                if committed { throw error }
            }
        }
        throw time.now() >= deadline ? deadlineError(progress) : allFailed(progress.failures)
    }

    // MARK: - errors and the deadline race

    private func allFailed(_ failures: [ProviderError]) -> ProviderError {
        guard !failures.isEmpty else {
            return ProviderError(kind: .allFailed, provider: "chain", message: "no LLM provider is configured")
        }
        let list = failures.map(\.message).joined(separator: "; ")
        return ProviderError(kind: .allFailed, provider: "chain",
                             message: "all \(failures.count) LLM provider(s) failed: \(list)", failures: failures)
    }

    private func deadlineError(_ progress: ChainProgress) -> ProviderError {
        let failures = progress.failures
        var message = "LLM request deadline of \(configuration.deadline) s exceeded"
        if let index = progress.current, index < members.count { message += " while calling \(members[index].name)" }
        if !failures.isEmpty { message += "; earlier failures: " + failures.map(\.message).joined(separator: "; ") }
        return ProviderError(kind: .deadlineExceeded, provider: "chain", message: message, failures: failures)
    }

    private struct DeadlineReached: Error {}

    /// Runs `work`, or throws `DeadlineReached` after `seconds` of real time (cancelling `work`).
    private static func race<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await SystemTime().sleep(seconds: seconds)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlineReached() }
            return value
        }
    }
}

/// Shared between a chain request's worker and its deadline timer: the provider in flight, attempts and
/// failures so far, and whether the deadline or the first token came first (streams).
final class ChainProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var _current: Int?
    private var _failures: [ProviderError] = []
    private var attempts = 0
    private var providersCalled = 0
    private var committed = false
    private var expired = false

    var current: Int? { lock.withLock { _current } }
    var failures: [ProviderError] { lock.withLock { _failures } }
    var isExpired: Bool { lock.withLock { expired } }

    func begin(_ index: Int) { lock.withLock { _current = index } }

    /// Records a provider's outcome; returns the totals (attempts, retries, failures before this one).
    func finish(attempts made: Int, failure: ProviderError?) -> (Int, Int, [ProviderError]) {
        lock.withLock {
            let before = _failures
            attempts += made
            if made > 0 { providersCalled += 1 }
            if let failure { _failures.append(failure) }
            _current = nil
            return (attempts, attempts - providersCalled, before)
        }
    }

    /// The first token arrived: `false` if the deadline already expired.
    func commit() -> Bool { lock.withLock { if expired { return false }; committed = true; return true } }

    /// The deadline ran out: `false` if a token already arrived.
    func expire() -> Bool { lock.withLock { if committed { return false }; expired = true; return true } }
}
