import Foundation

/// An async HTTP/1.1 and HTTP/2 client over the system libcurl, with keep-alive connection reuse.
///
/// All transfers of one client run on a single dedicated thread driving a `curl_multi` handle (see
/// `CurlEventLoop`): no libcurl call blocks Swift's cooperative pool, and any number of concurrent
/// requests share one thread. Connections are cached per client and reused for later requests to the
/// same host. Create one client per process (or per upstream) and share it; it is `Sendable`.
///
/// Deinitialising the client aborts its transfers in flight with `CurlError.Code.aborted` (a stream keeps
/// its client alive until the stream ends).
public final class CurlClient: Sendable {
    private let loop: CurlEventLoop
    /// How this client verifies `https://` servers and which TLS versions it offers.
    public let tls: TLSOptions

    /// Starts the client's transfer thread.
    /// - Parameters:
    ///   - maxConnections: at most this many connections per host (default 8), also the number of
    ///     idle connections kept alive. Further concurrent requests to that host queue inside libcurl until a
    ///     connection frees up; queueing time counts toward their `totalTimeout`.
    ///   - tls: the CA bundle and TLS version bounds for every request (default: the system's CAs, libcurl's
    ///     versions). A missing or unreadable `caFile` fails each `https://` request with `.tls`.
    public init(maxConnections: Int = 8, tls: TLSOptions = TLSOptions()) {
        loop = CurlEventLoop(maxConnections: max(1, maxConnections))
        self.tls = tls
    }

    deinit { loop.shutdown() }

    /// Performs `request` and returns the whole response. Any HTTP status is a response, not an error.
    ///
    /// - Throws: `CurlError` when no complete response arrived (connect failure, timeout, DNS, TLS, aborted
    ///   transfer, body over `maxResponseBytes`); the error names the method and URL.
    ///   `CancellationError` when the calling task is cancelled: the transfer is aborted at once.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let transfer = CurlTransfer(request: request, tls: tls)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.sink = .buffered(continuation)
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    /// Performs `request` and yields its head (status and headers) as soon as the header block arrives,
    /// then body chunks as they arrive; for server-sent events feed the chunks to an `SSEParser`.
    ///
    /// The transfer starts immediately. Any status yields a head; read the body of an error status like any
    /// other. The stream throws the same errors as `send(_:)` (after the head, a `CurlError` means the body
    /// was cut short). Cancelling the consuming task, or dropping the stream, aborts the transfer. Chunks
    /// are buffered without bound until consumed (the body limit `maxResponseBytes` still applies).
    public func stream(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<HTTPStreamEvent, any Error>.makeStream()
        let transfer = CurlTransfer(request: request, tls: tls, sink: .stream(continuation))
        continuation.onTermination = { termination in
            // Capturing `self` keeps the client (and its loop) alive for as long as the stream runs.
            if case .cancelled = termination { self.loop.cancel(transfer) }
        }
        loop.submit(transfer)
        return stream
    }
}
