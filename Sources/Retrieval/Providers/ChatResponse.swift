/// A complete answer from an `LLMProvider`.
public struct ChatResponse: Sendable, Equatable {
    /// The assistant's text.
    public var text: String
    /// The model that answered, as the server named it (the configured model when it named none).
    public var model: String
    /// Tokens used, from the server when it reported them, else estimated.
    public var usage: TokenUsage

    public init(text: String, model: String, usage: TokenUsage) {
        self.text = text
        self.model = model
        self.usage = usage
    }
}
