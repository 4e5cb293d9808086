/// What to ask an `LLMProvider`.
public struct ChatRequest: Sendable, Equatable {
    /// The conversation, oldest first.
    public var messages: [ChatMessage]
    /// Sampling temperature (default 0.7, the query API's default).
    public var temperature: Double
    /// Most tokens to generate; `nil` leaves it to the server (OpenAI) or to
    /// `LLMProviderConfiguration.defaultMaxTokens` (Anthropic, where the field is required).
    public var maxTokens: Int?

    public init(messages: [ChatMessage], temperature: Double = 0.7, maxTokens: Int? = nil) {
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
    }

    /// Number of characters over all messages (for token estimates).
    var characterCount: Int { messages.reduce(0) { $0 + $1.content.count } }
}
