import CurlHTTP
import Foundation

/// An OpenAI-compatible chat-completions server: `POST {base}/v1/chat/completions` with
/// `Authorization: Bearer <key>` (when a key is set). Works with OpenAI, Ollama, vLLM, llama.cpp and LiteLLM.
///
/// Streaming sends `stream: true` with `stream_options: {include_usage: true}` and reads `data: {...}` events
/// (`choices[0].delta.content`) up to `data: [DONE]`. Token usage comes from the response's `usage` when the
/// server reports it, else it is estimated (≈ characters / 4, `estimated: true`).
public struct OpenAIProvider: LLMProvider {
    public let configuration: LLMProviderConfiguration
    public var name: String { configuration.name }
    public var model: String { configuration.model }
    /// `{base}/v1/chat/completions`.
    public var url: String { transport.url }
    private let transport: ProviderTransport

    /// - Parameter client: the HTTP client (default: `LLMProviderConfiguration.sharedClient`).
    public init(configuration: LLMProviderConfiguration, client: CurlClient = LLMProviderConfiguration.sharedClient) {
        self.configuration = configuration
        var headers = [("Content-Type", "application/json")]
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        transport = ProviderTransport(client: client, configuration: configuration,
                                      url: configuration.endpoint("chat/completions"), headers: headers)
    }

    /// - Throws: `ProviderError` (`.http`, `.transport`, `.timeout`, `.decoding`); `CancellationError`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let response = try await transport.send(try body(request, stream: false))
        let decoded: Completion
        do {
            decoded = try JSONDecoder().decode(Completion.self, from: response.body)
        } catch {
            throw ProviderError.decoding(provider: name, url: url, "not a chat completion: \(String(response.text.prefix(200)))")
        }
        guard let choice = decoded.choices?.first else {
            throw ProviderError.decoding(provider: name, url: url, "no choices: \(String(response.text.prefix(200)))")
        }
        let text = choice.message?.content ?? ""
        let usage = TokenUsage.resolve(prompt: decoded.usage?.promptTokens, completion: decoded.usage?.completionTokens,
                                       promptCharacters: request.characterCount, completionCharacters: text.count)
        return ChatResponse(text: text, model: decoded.model ?? model, usage: usage)
    }

    /// Streams the answer (see `LLMProvider.stream(_:)`). A `{"error": …}` event fails the stream.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        ProviderTransport.makeStream { continuation in
            let body = try self.body(request, stream: true)
            var text = 0
            var reported: Usage?
            _ = try await self.transport.streamEvents(body) { event in
                let data = event.data.trimmingCharacters(in: .whitespaces)
                if data == "[DONE]" { return true }
                if data.isEmpty { return false }
                let chunk: Completion
                do {
                    chunk = try JSONDecoder().decode(Completion.self, from: Data(data.utf8))
                } catch {
                    throw ProviderError.decoding(provider: self.name, url: self.url, "stream event is not a chunk: \(String(data.prefix(200)))")
                }
                if chunk.error != nil { throw ProviderError.streamError(provider: self.name, url: self.url, data: data) }
                if let usage = chunk.usage { reported = usage }
                if let piece = chunk.choices?.first?.delta?.content, !piece.isEmpty {
                    text += piece.count
                    continuation.yield(.delta(piece))
                }
                return false
            }
            continuation.yield(.done(TokenUsage.resolve(prompt: reported?.promptTokens, completion: reported?.completionTokens,
                                                        promptCharacters: request.characterCount, completionCharacters: text)))
        }
    }

    // MARK: - wire format

    private struct Body: Encodable {
        struct StreamOptions: Encodable {
            let includeUsage = true
            enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
        }
        let model: String
        let messages: [ChatMessage]
        let temperature: Double
        let maxTokens: Int?
        let stream: Bool
        let streamOptions: StreamOptions?
        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case maxTokens = "max_tokens", streamOptions = "stream_options"
        }
    }

    struct Usage: Decodable {
        let promptTokens: Int?
        let completionTokens: Int?
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", completionTokens = "completion_tokens" }
    }

    /// A whole completion or one stream chunk (`message` or `delta`).
    private struct Completion: Decodable {
        struct Choice: Decodable {
            struct Content: Decodable { let content: String? }
            let message: Content?
            let delta: Content?
        }
        /// Any `error` value (object or string): its presence is what matters.
        struct APIError: Decodable { init(from decoder: any Decoder) {} }
        let model: String?
        let choices: [Choice]?
        let usage: Usage?
        let error: APIError?
    }

    private func body(_ request: ChatRequest, stream: Bool) throws -> Data {
        try JSONEncoder().encode(Body(model: model, messages: request.messages, temperature: request.temperature,
                                      maxTokens: request.maxTokens, stream: stream,
                                      streamOptions: stream ? Body.StreamOptions() : nil))
    }
}
