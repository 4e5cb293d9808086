import CurlHTTP

/// One `[[llm.providers]]` entry: which API, where, which model, which key, how long to wait.
public struct LLMProviderConfiguration: Sendable, Equatable {
    /// The API a provider speaks.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// OpenAI chat completions, `POST {base}/v1/chat/completions` (also Ollama, vLLM, llama.cpp, LiteLLM).
        case openai
        /// Anthropic Messages, `POST {base}/v1/messages`.
        case anthropic
    }

    /// Name used in errors, logs, metrics and `ChainResult.provider` (default `"primary"`).
    public var name: String
    /// Which API (default `.openai`).
    public var kind: Kind
    /// The server, with or without a trailing `/v1` (default `http://127.0.0.1:11434`).
    public var baseURL: String
    /// The model to request (default `"llama3"`).
    public var model: String
    /// The API key itself (the caller reads it from the variable `api_key_env` names); `nil` or empty sends none.
    public var apiKey: String?
    /// Seconds allowed for a whole non-streaming request (default 30). For a stream it is the longest silence
    /// allowed (no byte for this long fails with `.timeout`; libcurl rounds it up to whole seconds).
    public var timeout: Double
    /// Seconds allowed for DNS, TCP and TLS set-up (default 10, never more than `timeout`).
    public var connectTimeout: Double
    /// Seconds allowed for a whole stream, first byte to last (default 600).
    public var streamTimeout: Double
    /// `max_tokens` sent to Anthropic when the request sets none: the API requires it (default 1024).
    public var defaultMaxTokens: Int
    /// Largest accepted response body in bytes (default 16 MiB).
    public var maxResponseBytes: Int

    public init(name: String = "primary", kind: Kind = .openai, baseURL: String = "http://127.0.0.1:11434",
                model: String = "llama3", apiKey: String? = nil, timeout: Double = 30) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        connectTimeout = 10
        streamTimeout = 600
        defaultMaxTokens = 1024
        maxResponseBytes = 16 << 20
    }

    /// `{base}/v1/{path}`, accepting a base that already ends in `/v1` (and trailing slashes).
    public func endpoint(_ path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return base + "/v1/" + path
    }

    /// The provider for `kind`, sending over `client` (by default one client shared by every provider, so
    /// connections are reused across requests and providers).
    public func makeProvider(client: CurlClient = LLMProviderConfiguration.sharedClient) -> any LLMProvider {
        switch kind {
        case .openai: return OpenAIProvider(configuration: self, client: client)
        case .anthropic: return AnthropicProvider(configuration: self, client: client)
        }
    }

    /// The process-wide client LLM providers use unless given another: up to 8 kept-alive connections per host.
    public static let sharedClient = CurlClient(maxConnections: 8)
}
