import Foundation

/// A complete response from `CurlClient.send(_:)`. Non-2xx statuses are responses, not errors.
public struct HTTPResponse: Sendable {
    /// The HTTP status code, e.g. 200.
    public var status: Int
    /// The header fields of the final response.
    public var headers: HTTPHeaders
    /// The whole body, after content decoding.
    public var body: Data
    /// The URL requested (after redirects when they are followed).
    public var url: String
    /// `true` when libcurl sent this request over a kept-alive connection (it opened no new one).
    public var connectionReused: Bool

    public init(status: Int, headers: HTTPHeaders, body: Data, url: String, connectionReused: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.connectionReused = connectionReused
    }

    /// The first value of header `name`, case-insensitive: `header("retry-after")`.
    public func header(_ name: String) -> String? { headers[name] }

    /// `true` for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes the body as JSON.
    /// - Throws: `DecodingError` from `decoder`.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: body)
    }
}
