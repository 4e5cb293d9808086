import CurlHTTP
import Foundation
import Ingest

/// Why an LLM call failed. The message always names the provider and, when there is one, the URL and status:
/// `primary: POST http://127.0.0.1:11434/v1/chat/completions failed with HTTP 503: overloaded`.
public struct ProviderError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The kind of failure, for retry and fallback decisions.
    public enum Kind: Sendable, Equatable {
        /// The server answered with a non-2xx status.
        case http(status: Int)
        /// No (complete) response: connection refused or reset, DNS, TLS, body too large.
        case transport
        /// The provider's own timeout ran out (`LLMProviderConfiguration.timeout`).
        case timeout
        /// A 2xx response that is not the API's shape.
        case decoding
        /// The provider's circuit breaker is open: it was not called.
        case circuitOpen
        /// The chain's per-request deadline ran out (`ResilienceConfiguration.deadline`).
        case deadlineExceeded
        /// Every provider of a chain failed; `failures` holds each one's last error.
        case allFailed
    }

    /// The kind of failure.
    public var kind: Kind
    /// The provider's configured name (`"chain"` for chain-level errors).
    public var provider: String
    /// The URL requested, when a request was made.
    public var url: String?
    /// The full human-readable message (provider, URL, status and the server's own message when there is one).
    public var message: String
    /// The server's `Retry-After` in seconds, when it sent one.
    public var retryAfter: Double?
    /// `true` when another attempt may succeed: 408, 429, 5xx, transient transport failures, timeouts.
    public var isRetryable: Bool
    /// For `.allFailed` and `.deadlineExceeded`: the last error of each provider tried, in chain order.
    public var failures: [ProviderError]

    public init(kind: Kind, provider: String, url: String? = nil, message: String, retryAfter: Double? = nil,
                isRetryable: Bool? = nil, failures: [ProviderError] = []) {
        self.kind = kind
        self.provider = provider
        self.url = url
        self.message = message
        self.retryAfter = retryAfter
        self.failures = failures
        if let isRetryable {
            self.isRetryable = isRetryable
        } else {
            switch kind {
            case .http(let status): self.isRetryable = RetryPolicy.isRetryable(status: status)
            case .transport, .timeout: self.isRetryable = true
            case .decoding, .circuitOpen, .deadlineExceeded, .allFailed: self.isRetryable = false
            }
        }
    }

    /// The HTTP status for `.http`, else `nil`.
    public var status: Int? {
        if case .http(let status) = kind { return status }
        return nil
    }

    /// Whether the failure says something is wrong with the provider (and so counts toward its circuit breaker):
    /// everything but a 4xx other than 408 and 429, which the request caused, and the chain-level kinds.
    public var isProviderFailure: Bool {
        switch kind {
        case .http(let status): return !(400..<500).contains(status) || status == 408 || status == 429
        case .transport, .timeout, .decoding: return true
        case .circuitOpen, .deadlineExceeded, .allFailed: return false
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }

    // MARK: - factories

    /// A non-2xx response; `body` is searched for the API's `error.message`.
    static func http(provider: String, url: String, status: Int, body: Data, retryAfter: String?) -> ProviderError {
        ProviderError(kind: .http(status: status), provider: provider, url: url,
                      message: "\(provider): POST \(url) failed with HTTP \(status): \(serverMessage(body))",
                      retryAfter: RetryPolicy.parseRetryAfter(retryAfter))
    }

    /// A transfer that produced no response.
    static func transport(provider: String, url: String, _ error: CurlError) -> ProviderError {
        if error.code == .timeout {
            return ProviderError(kind: .timeout, provider: provider, url: url,
                                 message: "\(provider): POST \(url) timed out: \(error.detail)")
        }
        return ProviderError(kind: .transport, provider: provider, url: url,
                             message: "\(provider): POST \(url) failed (\(error.code.rawValue)): \(error.detail)",
                             isRetryable: error.isTransient)
    }

    /// A 2xx response or stream event that is not what the API promises.
    static func decoding(provider: String, url: String, _ detail: String) -> ProviderError {
        ProviderError(kind: .decoding, provider: provider, url: url,
                      message: "\(provider): POST \(url) returned an unexpected response: \(detail)")
    }

    /// An error event inside a 2xx stream (`{"error": {...}}` or Anthropic's `event: error`).
    static func streamError(provider: String, url: String, data: String) -> ProviderError {
        let text = serverMessage(Data(data.utf8))
        // Anthropic's mid-stream "overloaded_error" is the streaming form of a 529.
        let retryable = text.localizedCaseInsensitiveContains("overloaded") || text.localizedCaseInsensitiveContains("rate limit")
        return ProviderError(kind: .transport, provider: provider, url: url,
                             message: "\(provider): POST \(url) stream reported an error: \(text)", isRetryable: retryable)
    }

    /// The API's `error.message` (OpenAI and Anthropic shapes), else the body's first 300 characters.
    static func serverMessage(_ body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                if let type = error["type"] as? String, !type.isEmpty { return "\(message) (\(type))" }
                return message
            }
            if let error = object["error"] as? String { return error }
            if let message = object["message"] as? String { return message }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
