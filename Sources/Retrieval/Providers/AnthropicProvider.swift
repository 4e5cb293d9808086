import CurlHTTP
import Foundation

/// Anthropic's Messages API: `POST {base}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01`.
///
/// `system` messages are joined (blank line between) into the top-level `system` field; the others go to
/// `messages` in order. `max_tokens` is required by the API: the request's, else
/// `LLMProviderConfiguration.defaultMaxTokens`. Streaming reads `message_start` (input tokens),
/// `content_block_delta` (`text_delta` pieces), `message_delta` (output tokens) and `message_stop`; `ping` and
/// block start/stop events are ignored and an `error` event fails the stream. Usage comes from the response,
/// else it is estimated (≈ characters / 4, `estimated: true`).
public struct AnthropicProvider: LLMProvider {
    /// The `anthropic-version` header sent with every request.
    public static let apiVersion = "2023-06-01"

    public let configuration: LLMProviderConfiguration
    public var name: String { configuration.name }
    public var model: String { configuration.model }
    /// `{base}/v1/messages`.
    public var url: String { transport.url }
    private let transport: ProviderTransport

    /// - Parameter client: the HTTP client (default: `LLMProviderConfiguration.sharedClient`).
    public init(configuration: LLMProviderConfiguration, client: CurlClient = LLMProviderConfiguration.sharedClient) {
        self.configuration = configuration
        var headers = [("Content-Type", "application/json"), ("anthropic-version", Self.apiVersion)]
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("x-api-key", key)) }
        transport = ProviderTransport(client: client, configuration: configuration,
                                      url: configuration.endpoint("messages"), headers: headers)
    }

    /// - Throws: `ProviderError` (`.http`, `.transport`, `.timeout`, `.decoding`); `CancellationError`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let response = try await transport.send(try body(request, stream: false))
        let decoded: Message
        do {
            decoded = try JSONDecoder().decode(Message.self, from: response.body)
        } catch {
            throw ProviderError.decoding(provider: name, url: url, "not a Messages response: \(String(response.text.prefix(200)))")
        }
        guard let blocks = decoded.content else {
            throw ProviderError.decoding(provider: name, url: url, "no content: \(String(response.text.prefix(200)))")
        }
        let text = blocks.filter { $0.type == "text" }.compactMap(\.text).joined()
        let usage = TokenUsage.resolve(prompt: decoded.usage?.inputTokens, completion: decoded.usage?.outputTokens,
                                       promptCharacters: request.characterCount, completionCharacters: text.count)
        return ChatResponse(text: text, model: decoded.model ?? model, usage: usage)
    }

    /// Streams the answer (see `LLMProvider.stream(_:)`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        ProviderTransport.makeStream { continuation in
            let body = try self.body(request, stream: true)
            var text = 0
            var input: Int?
            var output: Int?
            _ = try await self.transport.streamEvents(body) { event in
                let data = Data(event.data.utf8)
                let decoded: StreamEvent
                do {
                    decoded = try JSONDecoder().decode(StreamEvent.self, from: data)
                } catch {
                    throw ProviderError.decoding(provider: self.name, url: self.url, "stream event \(event.event) is not JSON: \(String(event.data.prefix(200)))")
                }
                switch decoded.type ?? event.event {
                case "message_start":
                    input = decoded.message?.usage?.inputTokens ?? input
                case "content_block_delta":
                    if let piece = decoded.delta?.text, !piece.isEmpty {
                        text += piece.count
                        continuation.yield(.delta(piece))
                    }
                case "message_delta":
                    output = decoded.usage?.outputTokens ?? output
                    input = decoded.usage?.inputTokens ?? input
                case "message_stop":
                    return true
                case "error":
                    throw ProviderError.streamError(provider: self.name, url: self.url, data: event.data)
                default:
                    break  // ping, content_block_start/stop, future event types
                }
                return false
            }
            continuation.yield(.done(TokenUsage.resolve(prompt: input, completion: output,
                                                        promptCharacters: request.characterCount, completionCharacters: text)))
        }
    }

    // MARK: - wire format

    private struct Body: Encodable {
        struct Message: Encodable {
            let role: String
            let content: String
        }
        let model: String
        let system: String?
        let messages: [Message]
        let maxTokens: Int
        let temperature: Double
        let stream: Bool?
        enum CodingKeys: String, CodingKey {
            case model, system, messages, temperature, stream
            case maxTokens = "max_tokens"
        }
    }

    private struct Usage: Decodable {
        let inputTokens: Int?
        let outputTokens: Int?
        enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens", outputTokens = "output_tokens" }
    }

    private struct Message: Decodable {
        struct Block: Decodable {
            let type: String?
            let text: String?
        }
        let model: String?
        let content: [Block]?
        let usage: Usage?
    }

    private struct StreamEvent: Decodable {
        struct Delta: Decodable { let text: String? }
        let type: String?
        let message: Message?
        let delta: Delta?
        let usage: Usage?
    }

    private func body(_ request: ChatRequest, stream: Bool) throws -> Data {
        let system = request.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        let messages = request.messages.filter { $0.role != .system }.map { Body.Message(role: $0.role.rawValue, content: $0.content) }
        return try JSONEncoder().encode(Body(model: model, system: system.isEmpty ? nil : system, messages: messages,
                                             maxTokens: request.maxTokens ?? configuration.defaultMaxTokens,
                                             temperature: request.temperature, stream: stream ? true : nil))
    }
}
