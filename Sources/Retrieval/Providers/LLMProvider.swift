/// A chat-completion backend: an OpenAI-compatible server, Anthropic's Messages API, or a wrapper that adds
/// retries, a circuit breaker or fallback (`RetryingProvider`, `ProviderChain`).
///
/// Implementations are values or actors shared across tasks. They never read the environment: API keys and
/// URLs come in through `LLMProviderConfiguration`.
public protocol LLMProvider: Sendable {
    /// The configured name, e.g. `"primary"`; every `ProviderError` names it.
    var name: String { get }
    /// The model requested from the upstream, e.g. `"llama3"`.
    var model: String { get }

    /// Sends `request` and waits for the whole answer.
    /// - Throws: `ProviderError` (HTTP status, transport, timeout, decoding, …); `CancellationError` when the
    ///   calling task is cancelled (the HTTP transfer is aborted at once).
    func complete(_ request: ChatRequest) async throws -> ChatResponse

    /// Sends `request` with streaming: yields `.delta` text pieces in order, then exactly one `.done` with the
    /// token usage, then finishes. Errors (`ProviderError`) end the stream. Dropping the stream or cancelling
    /// the consuming task aborts the transfer.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}
