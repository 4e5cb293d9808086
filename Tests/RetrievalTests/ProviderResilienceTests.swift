import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// Retries and the circuit breaker; every wait goes through `ManualTime`, so nothing sleeps for real.
@Suite struct ProviderResilienceTests {
    @Test func serverErrorIsRetriedThenSucceeds() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["status": 500], ["status": 502], ["content": "third time lucky"]])
        let time = ManualTime()
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: ProviderFixtures.resilience(),
                                        time: time, jitter: { 0.5 })
        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "third time lucky")
        #expect(try upstream.stats().count("/v1/chat/completions") == 3)
        #expect(time.sleeps == [0.5, 1.0])  // ceilings 1 s then 2 s, times the jitter
        #expect(await provider.breaker.consecutiveFailures == 0)
    }

    @Test func retryAfterIsHonoured() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/messages", actions: [["status": 429, "headers": ["Retry-After": "2"]]])
        let time = ManualTime()
        let provider = RetryingProvider(ProviderFixtures.provider(upstream, kind: .anthropic),
                                        configuration: ProviderFixtures.resilience(), time: time, jitter: { 0.5 })
        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "Hello from the scripted upstream.")
        #expect(time.sleeps == [2.0])
        #expect(try upstream.stats().count("/v1/messages") == 2)
    }

    @Test func clientErrorIsNotRetried() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["status": 400]])
        let time = ManualTime()
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: ProviderFixtures.resilience(), time: time)
        let error = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(error?.kind == .http(status: 400))
        #expect(try upstream.stats().count("/v1/chat/completions") == 1)
        #expect(time.sleeps.isEmpty)
        #expect(await provider.breaker.consecutiveFailures == 0)  // the request was at fault, not the provider
    }

    @Test func droppedConnectionIsRetried() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["die": true]])
        let time = ManualTime()
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: ProviderFixtures.resilience(),
                                        time: time, jitter: { 1 })
        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "Hello from the scripted upstream.")
        #expect(time.sleeps == [1.0])
    }

    @Test func attemptsAreBoundedAndBackoffIsCapped() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: Array(repeating: ["status": 503], count: 6))
        let time = ManualTime()
        let configuration = ResilienceConfiguration(maxAttempts: 5, backoffInitial: 1, backoffMax: 3, breakerFailures: 10)
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: configuration, time: time, jitter: { 1 })
        let error = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(error?.kind == .http(status: 503))
        #expect(try upstream.stats().count("/v1/chat/completions") == 5)
        #expect(time.sleeps == [1, 2, 3, 3])
    }

    @Test func streamIsRetriedBeforeItsFirstToken() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["status": 500], ["content": "streamed fine"]])
        let time = ManualTime()
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: ProviderFixtures.resilience(),
                                        time: time, jitter: { 1 })
        let (deltas, usage) = try await ProviderFixtures.collect(provider.stream(ProviderFixtures.question))
        #expect(deltas == ["streamed", " fine"])
        #expect(usage?.completion == 2)
        #expect(time.sleeps == [1.0])
    }

    @Test func breakerOpensAfterConsecutiveFailuresAndProbesOnce() async {
        let time = ManualTime()
        let breaker = CircuitBreaker(name: "p", failureThreshold: 5, openDuration: 60, time: time)
        for _ in 0..<4 { await breaker.recordFailure() }
        #expect(await breaker.state == .closed)
        await breaker.recordSuccess()  // a success resets the count
        for _ in 0..<4 { await breaker.recordFailure() }
        #expect(await breaker.state == .closed)
        await breaker.recordFailure()
        #expect(await breaker.state == .open)
        #expect(await breaker.tryAcquire() == false)
        #expect(await breaker.secondsUntilProbe == 60)

        time.advance(59.9)
        #expect(await breaker.tryAcquire() == false)
        time.advance(0.1)
        #expect(await breaker.state == .halfOpen)
        #expect(await breaker.tryAcquire() == true)   // the probe
        #expect(await breaker.tryAcquire() == false)  // only one
        await breaker.recordFailure()                 // probe failed: open for another 60 s
        #expect(await breaker.state == .open)
        time.advance(30)
        #expect(await breaker.tryAcquire() == false)
        time.advance(30)
        #expect(await breaker.tryAcquire() == true)
        await breaker.release()                       // probe cancelled: the next call probes instead
        #expect(await breaker.tryAcquire() == true)
        await breaker.recordSuccess()
        #expect(await breaker.state == .closed)
        #expect(await breaker.consecutiveFailures == 0)
        #expect(CircuitBreaker.State.halfOpen.rawValue == "half_open")
    }

    @Test func openBreakerRefusesWithoutCalling() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let time = ManualTime()
        let configuration = ResilienceConfiguration(maxAttempts: 1, breakerFailures: 1, breakerOpen: 60)
        try upstream.script(path: "/v1/chat/completions", actions: [["status": 500]])
        let provider = RetryingProvider(ProviderFixtures.provider(upstream), configuration: configuration, time: time)
        _ = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        let refused = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(refused?.kind == .circuitOpen)
        #expect(refused?.message.contains("primary") == true)
        #expect(try upstream.stats().count("/v1/chat/completions") == 1)
    }
}
