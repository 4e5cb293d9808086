import CurlHTTP
import Foundation
import Testing
@testable import Retrieval
import TestSupport

/// OpenAI and Anthropic providers against the scripted upstream, through real libcurl.
@Suite struct ProviderClientTests {
    @Test func openAICompletesAndReusesTheConnection() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "alpha beta gamma"], ["content": "again"]])
        var configuration = ProviderFixtures.configuration(upstream)
        configuration.baseURL = upstream.baseURL + "/v1/"  // a base already ending in /v1 is accepted
        let provider = OpenAIProvider(configuration: configuration, client: CurlClient(maxConnections: 2))
        #expect(provider.url == upstream.baseURL + "/v1/chat/completions")

        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "alpha beta gamma")
        #expect(response.model == "gpt-test")
        #expect(response.usage == TokenUsage(prompt: 6, completion: 3, estimated: false))
        let second = try await provider.complete(ProviderFixtures.question)
        #expect(second.text == "again")

        let stats = try upstream.stats()
        #expect(stats.count("/v1/chat/completions") == 2)
        #expect(stats.connections == 1)
        let sent = try #require(stats.requests.first)
        #expect(sent.header("Authorization") == "Bearer sk-test")
        let body = try #require(sent.json as? [String: Any])
        #expect(body["model"] as? String == "gpt-test")
        #expect(body["temperature"] as? Double == 0.2)
        #expect(body["stream"] as? Bool == false)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "You are terse."], ["role": "user", "content": "What is up?"]])
    }

    @Test func openAIStreamsTokensInOrderWithUsage() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "one two three four five"]])
        let provider = ProviderFixtures.provider(upstream)
        let (deltas, usage) = try await ProviderFixtures.collect(provider.stream(ProviderFixtures.question))
        #expect(deltas == ["one", " two", " three", " four", " five"])
        #expect(usage == TokenUsage(prompt: 6, completion: 5, estimated: false))
        let body = try #require(try upstream.stats().requests.first?.json as? [String: Any])
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Bool])?["include_usage"] == true)
    }

    @Test func anthropicCompletesWithTopLevelSystemPrompt() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/messages", actions: [["content": "bonjour tout le monde"]])
        let provider = ProviderFixtures.provider(upstream, kind: .anthropic)
        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "bonjour tout le monde")
        #expect(response.model == "claude-test")
        #expect(response.usage == TokenUsage(prompt: 6, completion: 4, estimated: false))

        let sent = try #require(try upstream.stats().requests.first)
        #expect(sent.path == "/v1/messages")
        #expect(sent.header("x-api-key") == "sk-test")
        #expect(sent.header("anthropic-version") == "2023-06-01")
        #expect(sent.header("Authorization") == nil)
        let body = try #require(sent.json as? [String: Any])
        #expect(body["system"] as? String == "You are terse.")
        #expect(body["max_tokens"] as? Int == 1024)
        #expect(body["stream"] == nil)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "user", "content": "What is up?"]])
    }

    @Test func anthropicStreamsTokensInOrderWithUsage() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/messages", actions: [["content": "un deux trois"]])
        let provider = ProviderFixtures.provider(upstream, kind: .anthropic)
        var request = ProviderFixtures.question
        request.maxTokens = 50
        let (deltas, usage) = try await ProviderFixtures.collect(provider.stream(request))
        #expect(deltas == ["un", " deux", " trois"])
        #expect(usage == TokenUsage(prompt: 6, completion: 3, estimated: false))
        let body = try #require(try upstream.stats().requests.first?.json as? [String: Any])
        #expect(body["stream"] as? Bool == true)
        #expect(body["max_tokens"] as? Int == 50)
    }

    @Test func usageIsEstimatedWhenTheServerReportsNone() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [
            ["status": 200, "body": ["choices": [["message": ["role": "assistant", "content": "12345678"]]]]],
            ["raw_sse": ["data: {\"choices\":[{\"delta\":{\"content\":\"abcd\"}}]}\n\n",
                         "data: {\"choices\":[{\"delta\":{\"content\":\"efgh1\"}}]}\n\n", "data: [DONE]\n\n"]],
        ])
        let provider = ProviderFixtures.provider(upstream)
        // "You are terse." + "What is up?" = 25 characters → 7 tokens.
        let response = try await provider.complete(ProviderFixtures.question)
        #expect(response.text == "12345678")
        #expect(response.model == "gpt-test")
        #expect(response.usage == TokenUsage(prompt: 7, completion: 2, estimated: true))
        let (deltas, usage) = try await ProviderFixtures.collect(provider.stream(ProviderFixtures.question))
        #expect(deltas == ["abcd", "efgh1"])
        #expect(usage == TokenUsage(prompt: 7, completion: 3, estimated: true))
    }

    @Test func errorsNameProviderURLAndStatus() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [
            ["status": 503, "headers": ["Retry-After": "7"]],
            ["status": 200, "body": "not json"],
        ])
        let provider = ProviderFixtures.provider(upstream, name: "local-llm")
        let url = upstream.baseURL + "/v1/chat/completions"
        let http = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(http?.kind == .http(status: 503))
        #expect(http?.isRetryable == true)
        #expect(http?.retryAfter == 7)
        #expect(http?.url == url)
        #expect(http?.message.contains("local-llm") == true)
        #expect(http?.message.contains(url) == true)
        #expect(http?.message.contains("HTTP 503") == true)
        #expect(http?.message.contains("scripted status 503") == true)

        let decoding = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(decoding?.kind == .decoding)
        #expect(decoding?.isRetryable == false)
        #expect(decoding?.message.contains("local-llm") == true)
    }

    @Test func streamErrorsBeforeTheFirstTokenCarryTheStatus() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/messages", actions: [["status": 529, "body": ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]]]])
        let provider = ProviderFixtures.provider(upstream, kind: .anthropic)
        let error = await #expect(throws: ProviderError.self) { _ = try await ProviderFixtures.collect(provider.stream(ProviderFixtures.question)) }
        #expect(error?.kind == .http(status: 529))
        #expect(error?.message.contains("Overloaded") == true)
    }

    @Test func providerTimeoutIsATimeout() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/chat/completions", actions: [["hold": 30]])
        let provider = ProviderFixtures.provider(upstream, timeout: 0.5)
        // The server holds the reply for up to 30 s and would then answer: a `.timeout` error proves the cut.
        // (No wall-clock bound: on 2 loaded cores a test task can wait tens of seconds for a thread.)
        let error = await #expect(throws: ProviderError.self) { try await provider.complete(ProviderFixtures.question) }
        #expect(error?.kind == .timeout)
        #expect(error?.isRetryable == true)
        try upstream.release(path: "/v1/chat/completions")
    }

    @Test func priceTableCostsTokens() {
        let prices = PriceTable(["gpt-4o-mini": .init(prompt: 0.15, completion: 0.60),
                                 "gpt-4o": .init(prompt: 2.5, completion: 10), "llama3": .init(prompt: 0, completion: 0)])
        let usage = TokenUsage(prompt: 1_000_000, completion: 500_000)
        #expect(abs(prices.cost(usage: usage, model: "gpt-4o-mini") - 0.45) < 1e-9)
        #expect(abs(prices.cost(usage: TokenUsage(prompt: 2000, completion: 100), model: "gpt-4o") - 0.006) < 1e-12)
        #expect(abs(prices.cost(usage: usage, model: "gpt-4o-mini-2024-07-18") - 0.45) < 1e-9)  // dated snapshot
        #expect(prices.cost(usage: usage, model: "llama3:8b") == 0)
        #expect(prices.cost(usage: usage, model: "unknown-model") == 0)
        #expect(prices.price(for: "gpt-4omni") == nil)  // a prefix counts only before "-", ":" or "@"
    }
}
