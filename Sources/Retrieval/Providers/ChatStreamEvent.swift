/// What `LLMProvider.stream(_:)` yields: text pieces in order, then one `.done`.
public enum ChatStreamEvent: Sendable, Equatable {
    /// The next piece of the answer (never empty).
    case delta(String)
    /// The end of the answer, with the token usage (reported by the server, else estimated).
    case done(TokenUsage)
}
