/// What `ProviderChain.streamWithReport(_:)` yields: `.started` once a provider produced its first event,
/// then its `.delta`s, then `.done`.
public enum ChainStreamEvent: Sendable, Equatable {
    /// The provider committed to: from here on there is no retry or fallback.
    case started(provider: String, model: String)
    /// The next piece of the answer.
    case delta(String)
    /// The end, with token usage and how many attempts (and of those, retries) it took over all providers.
    case done(usage: TokenUsage, attempts: Int, retries: Int)
}
