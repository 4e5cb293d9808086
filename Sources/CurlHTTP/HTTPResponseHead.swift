/// The status line and headers of a response: the first event of `CurlClient.stream(_:)`.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The HTTP status code, e.g. 200.
    public var status: Int
    /// The header fields of the final response (those of 1xx and followed redirects are dropped).
    public var headers: HTTPHeaders
    /// The URL requested (after redirects when they are followed).
    public var url: String

    public init(status: Int, headers: HTTPHeaders, url: String) {
        self.status = status
        self.headers = headers
        self.url = url
    }

    /// The first value of header `name`, case-insensitive: `header("retry-after")`.
    public func header(_ name: String) -> String? { headers[name] }

    /// `true` for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
