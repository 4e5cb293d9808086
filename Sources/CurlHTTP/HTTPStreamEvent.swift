import Foundation

/// What `CurlClient.stream(_:)` yields: exactly one `.head`, then zero or more `.body` chunks.
public enum HTTPStreamEvent: Sendable {
    /// Status and headers, delivered as soon as the header block is complete.
    case head(HTTPResponseHead)
    /// A body chunk as libcurl delivered it (any size; chunk boundaries carry no meaning).
    case body(Data)
}
