import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// Fallback across providers, the breaker in the chain, the per-request deadline, and streaming fallback.
@Suite struct ProviderChainTests {
    @Test func breakerOpensChainFallsBackAndHalfOpenProbeCloses() async throws {
        let primary = try ScriptedUpstream.start(), backup = try ScriptedUpstream.start()
        defer { primary.stop(); backup.stop() }
        try primary.script(path: "/v1/chat/completions", actions: Array(repeating: ["status": 500], count: 5))
        try backup.script(path: "/v1/messages", actions: [["content": "from backup"]])
        let time = ManualTime()
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "primary"),
                                              ProviderFixtures.provider(backup, name: "backup", kind: .anthropic)],
                                  configuration: ProviderFixtures.resilience(), time: time, jitter: { 1 })
        let path = "/v1/chat/completions"

        // 1: three failed attempts on the primary, then the backup answers.
        let first = try await chain.completeWithReport(ProviderFixtures.question)
        #expect(first.provider == "backup")
        #expect(first.providerIndex == 1 && first.usedFallback)
        #expect(first.response.text == "from backup")
        #expect(first.attempts == 4 && first.retries == 2)
        #expect(first.failures.map(\.kind) == [.http(status: 500)])
        #expect(try primary.stats().count(path) == 3)

        // 2: failures 4 and 5 open the breaker mid-retry; the backup answers.
        let second = try await chain.completeWithReport(ProviderFixtures.question)
        #expect(second.provider == "backup")
        #expect(second.attempts == 3 && second.retries == 1)
        #expect(try primary.stats().count(path) == 5)
        #expect(await chain.breakerStates().map(\.state) == [.open, .closed])

        // 3: the open primary is skipped without a request.
        let third = try await chain.completeWithReport(ProviderFixtures.question)
        #expect(third.provider == "backup")
        #expect(third.failures.map(\.kind) == [.circuitOpen])
        #expect(third.attempts == 1 && third.retries == 0)
        #expect(try primary.stats().count(path) == 5)

        // 4: after the open time one half-open probe goes to the (recovered) primary and closes the breaker.
        time.advance(60)
        #expect(await chain.breakerStates().map(\.state) == [.halfOpen, .closed])
        let fourth = try await chain.completeWithReport(ProviderFixtures.question)
        #expect(fourth.provider == "primary")
        #expect(fourth.attempts == 1 && fourth.failures.isEmpty)
        #expect(try primary.stats().count(path) == 6)
        #expect(await chain.breakerStates().map(\.state) == [.closed, .closed])
        #expect(try backup.stats().count("/v1/messages") == 3)
    }

    @Test func allFailedListsEveryProvider() async throws {
        let primary = try ScriptedUpstream.start(), backup = try ScriptedUpstream.start()
        defer { primary.stop(); backup.stop() }
        try primary.script(path: "/v1/chat/completions", actions: [["status": 401]])
        try backup.script(path: "/v1/chat/completions", actions: [["status": 503], ["status": 503]])
        let time = ManualTime()
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "primary"),
                                              ProviderFixtures.provider(backup, name: "backup")],
                                  configuration: ProviderFixtures.resilience(maxAttempts: 2), time: time, jitter: { 1 })
        let error = await #expect(throws: ProviderError.self) { try await chain.complete(ProviderFixtures.question) }
        #expect(error?.kind == .allFailed)
        #expect(error?.failures.map(\.provider) == ["primary", "backup"])
        #expect(error?.failures.map(\.kind) == [.http(status: 401), .http(status: 503)])
        #expect(error?.message.contains("primary") == true && error?.message.contains("backup") == true)
        #expect(error?.message.contains(primary.baseURL) == true && error?.message.contains(backup.baseURL) == true)
        #expect(time.sleeps == [1])  // the 401 is not retried; the 503 once
    }

    @Test func deadlineCutsOffASlowProviderQuickly() async throws {
        let primary = try ScriptedUpstream.start(), backup = try ScriptedUpstream.start()
        defer { primary.stop(); backup.stop() }
        try primary.script(path: "/v1/chat/completions", actions: [["hold": 30]])
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "slow"),
                                              ProviderFixtures.provider(backup, name: "backup")],
                                  configuration: ProviderFixtures.resilience(deadline: 0.5))
        // The held reply would succeed after 30 s: `.deadlineExceeded` proves the chain cut it off. (No
        // wall-clock bound: on 2 loaded cores a test task can wait tens of seconds for a thread.)
        let error = await #expect(throws: ProviderError.self) { try await chain.complete(ProviderFixtures.question) }
        #expect(error?.kind == .deadlineExceeded)
        #expect(error?.message.contains("deadline of 0.5 s exceeded") == true)
        #expect(try backup.stats().count("/v1/chat/completions") == 0)
        // The provider in flight is charged a failure (on a very loaded machine the deadline may pass before
        // the request even started, and then nobody is).
        if try primary.stats().count("/v1/chat/completions") == 1, error?.message.contains("while calling slow") == true {
            #expect(await chain.members[0].breaker.consecutiveFailures == 1)
        }
    }

    @Test func streamFallsBackBeforeTheFirstToken() async throws {
        let primary = try ScriptedUpstream.start(), backup = try ScriptedUpstream.start()
        defer { primary.stop(); backup.stop() }
        try primary.script(path: "/v1/chat/completions", actions: [["status": 500], ["status": 500]])
        try backup.script(path: "/v1/messages", actions: [["content": "backup streams here"]])
        let time = ManualTime()
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "primary"),
                                              ProviderFixtures.provider(backup, name: "backup", kind: .anthropic)],
                                  configuration: ProviderFixtures.resilience(maxAttempts: 2), time: time, jitter: { 1 })
        var events: [ChainStreamEvent] = []
        for try await event in chain.streamWithReport(ProviderFixtures.question) { events.append(event) }
        #expect(events == [.started(provider: "backup", model: "claude-test"), .delta("backup"), .delta(" streams"),
                           .delta(" here"), .done(usage: TokenUsage(prompt: 6, completion: 3), attempts: 3, retries: 1)])
        #expect(try primary.stats().count("/v1/chat/completions") == 2)

        // The plain LLMProvider view of the same chain.
        let (deltas, usage) = try await ProviderFixtures.collect(chain.stream(ProviderFixtures.question))
        #expect(deltas == ["Hello", " from", " the", " scripted", " upstream."])
        #expect(usage?.estimated == false)
    }

    @Test func streamIsNotRetriedAfterTheFirstToken() async throws {
        let primary = try ScriptedUpstream.start(), backup = try ScriptedUpstream.start()
        defer { primary.stop(); backup.stop() }
        try primary.script(path: "/v1/chat/completions", actions: [["raw_sse": [
            "data: {\"choices\":[{\"delta\":{\"content\":\"partial\"}}]}\n\n",
            "data: {\"error\":{\"message\":\"upstream fell over\",\"type\":\"server_error\"}}\n\n",
        ]]])
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "primary"),
                                              ProviderFixtures.provider(backup, name: "backup")],
                                  configuration: ProviderFixtures.resilience(), time: ManualTime())
        var events: [ChainStreamEvent] = []
        let error = await #expect(throws: ProviderError.self) {
            for try await event in chain.streamWithReport(ProviderFixtures.question) { events.append(event) }
        }
        #expect(events == [.started(provider: "primary", model: "gpt-test"), .delta("partial")])
        #expect(error?.provider == "primary")
        #expect(error?.message.contains("upstream fell over") == true)
        #expect(try primary.stats().count("/v1/chat/completions") == 1)
        #expect(try backup.stats().count("/v1/chat/completions") == 0)
    }

    @Test func streamDeadlineBoundsTheTimeToFirstToken() async throws {
        let primary = try ScriptedUpstream.start()
        defer { primary.stop() }
        try primary.script(path: "/v1/chat/completions", actions: [["hold": 30]])
        let chain = ProviderChain(providers: [ProviderFixtures.provider(primary, name: "slow")],
                                  configuration: ProviderFixtures.resilience(deadline: 0.5))
        let error = await #expect(throws: ProviderError.self) {
            for try await _ in chain.streamWithReport(ProviderFixtures.question) {}
        }
        #expect(error?.kind == .deadlineExceeded)  // the held reply would have streamed after 30 s
    }
}
