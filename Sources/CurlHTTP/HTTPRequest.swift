import Foundation

/// One HTTP request for `CurlClient`: a value, so it can be retried or logged as is.
///
/// Redirects are not followed unless `followRedirects` is set. When a body is present and no
/// `Content-Type` header is given, libcurl sends `application/x-www-form-urlencoded`: set it explicitly.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `"GET"`, `"POST"`, `"DELETE"` (sent verbatim).
    public var method: String
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// Request headers in order; repeated names are sent repeatedly.
    public var headers: [(String, String)]
    /// The body, or `nil` for none. Copied into libcurl when the transfer starts.
    public var body: Data?
    /// Seconds allowed for DNS, TCP and TLS set-up. Default 10.
    public var connectTimeout: Double
    /// Seconds allowed for the whole transfer, connect and (for streams) the whole body included. Default 60.
    public var totalTimeout: Double
    /// Seconds without receiving a single byte after which the transfer fails with `.timeout`
    /// (rounded up to whole seconds; libcurl's low-speed limit). `nil`, the default, disables it.
    /// Useful for long streams where `totalTimeout` must be generous.
    public var idleTimeout: Double?
    /// Largest accepted response body in bytes (after content decoding); more fails with `.tooLarge`.
    /// Default 64 MiB.
    public var maxResponseBytes: Int
    /// Follow 3xx redirects (at most 5). Default `false`.
    public var followRedirects: Bool

    /// Creates a request; every parameter but `url` has the default documented on its property.
    public init(
        method: String = "GET",
        url: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        connectTimeout: Double = 10,
        totalTimeout: Double = 60,
        idleTimeout: Double? = nil,
        maxResponseBytes: Int = 64 << 20,
        followRedirects: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
        self.maxResponseBytes = maxResponseBytes
        self.followRedirects = followRedirects
    }

    /// A `GET` of `url`.
    public static func get(_ url: String, headers: [(String, String)] = []) -> HTTPRequest {
        HTTPRequest(method: "GET", url: url, headers: headers)
    }

    /// A `POST` of a JSON body with `Content-Type: application/json` and `Accept: application/json`
    /// added unless `headers` already name them.
    public static func postJSON(_ url: String, body: Data, headers: [(String, String)] = []) -> HTTPRequest {
        var all = headers
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("content-type") { all.append(("Content-Type", "application/json")) }
        if !names.contains("accept") { all.append(("Accept", "application/json")) }
        return HTTPRequest(method: "POST", url: url, headers: all, body: body)
    }

    /// A `POST` of `value` encoded with `JSONEncoder`, with JSON content headers (see `postJSON(_:body:headers:)`).
    /// - Throws: the encoder's `EncodingError`.
    public static func postJSON<T: Encodable>(
        _ url: String, encoding value: T, encoder: JSONEncoder = JSONEncoder(), headers: [(String, String)] = []
    ) throws -> HTTPRequest {
        postJSON(url, body: try encoder.encode(value), headers: headers)
    }
}
