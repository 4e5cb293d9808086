import Foundation

/// A transfer that produced no HTTP response (or a truncated one). HTTP error statuses are not errors.
///
/// Cancelling the calling task throws `CancellationError`, not `CurlError`.
public struct CurlError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of failure, for retry decisions.
    public enum Code: String, Sendable, Equatable {
        /// TCP connect refused or unreachable (`CURLE_COULDNT_CONNECT`).
        case connectFailed
        /// `connectTimeout`, `totalTimeout` or `idleTimeout` ran out (`CURLE_OPERATION_TIMEDOUT`).
        case timeout
        /// The host name did not resolve.
        case dns
        /// TLS handshake or certificate verification failed.
        case tls
        /// The transfer was aborted: the client was shut down, or the server closed the connection
        /// before or while replying (empty reply, partial body, receive/send failure).
        case aborted
        /// The response body exceeded `HTTPRequest.maxResponseBytes`.
        case tooLarge
        /// Anything else (malformed URL, unsupported protocol, out of memory, …).
        case other
    }

    /// The kind of failure.
    public let code: Code
    /// The request's URL.
    public let url: String
    /// The request's method.
    public let method: String
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int?
    /// Human-readable detail: libcurl's error text and, when there is one, its error buffer.
    public let detail: String

    public init(code: Code, url: String, method: String = "GET", curlCode: Int? = nil, detail: String) {
        self.code = code
        self.url = url
        self.method = method
        self.curlCode = curlCode
        self.detail = detail
    }

    /// `"<METHOD> <url> failed (<code>): <detail>"`.
    public var message: String { "\(method) \(url) failed (\(code.rawValue)): \(detail)" }
    public var description: String { message }
    public var errorDescription: String? { message }

    /// `true` for failures that may succeed when retried: connect failures, timeouts, DNS failures and
    /// aborted transfers (not TLS, size-limit or malformed-request failures).
    public var isTransient: Bool { [.connectFailed, .timeout, .aborted, .dns].contains(code) }
}
