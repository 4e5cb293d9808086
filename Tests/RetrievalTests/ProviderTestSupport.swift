import CurlHTTP
import Foundation
import Retrieval
import TestSupport

/// Shared helpers for the provider tests.
enum ProviderFixtures {
    /// One client for all provider tests (as in production), so connections are reused.
    static let client = CurlClient(maxConnections: 8)

    static func configuration(_ upstream: ScriptedUpstream, name: String = "primary",
                              kind: LLMProviderConfiguration.Kind = .openai, apiKey: String? = "sk-test",
                              timeout: Double = 10) -> LLMProviderConfiguration {
        var configuration = LLMProviderConfiguration(name: name, kind: kind, baseURL: upstream.baseURL,
                                                     model: kind == .openai ? "gpt-test" : "claude-test", apiKey: apiKey,
                                                     timeout: timeout)
        configuration.connectTimeout = 5
        return configuration
    }

    static func provider(_ upstream: ScriptedUpstream, name: String = "primary",
                         kind: LLMProviderConfiguration.Kind = .openai, timeout: Double = 10) -> any LLMProvider {
        configuration(upstream, name: name, kind: kind, timeout: timeout).makeProvider(client: client)
    }

    static let question = ChatRequest(messages: [.system("You are terse."), .user("What is up?")], temperature: 0.2)

    /// Collects a chat stream.
    static func collect(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async throws -> (deltas: [String], usage: TokenUsage?) {
        var deltas: [String] = []
        var usage: TokenUsage?
        for try await event in stream {
            switch event {
            case .delta(let text): deltas.append(text)
            case .done(let reported): usage = reported
            }
        }
        return (deltas, usage)
    }

    /// Resilience settings for tests: fixed jitter comes from the caller.
    static func resilience(maxAttempts: Int = 3, deadline: Double = 60) -> ResilienceConfiguration {
        ResilienceConfiguration(maxAttempts: maxAttempts, backoffInitial: 1, backoffMax: 10, breakerFailures: 5,
                                breakerOpen: 60, deadline: deadline)
    }
}
