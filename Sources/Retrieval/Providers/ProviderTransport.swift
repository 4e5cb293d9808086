import CurlHTTP
import Foundation

/// The HTTP side shared by `OpenAIProvider` and `AnthropicProvider`: one JSON POST, plain or as server-sent
/// events, with failures mapped to `ProviderError` (which names the provider, URL and status).
struct ProviderTransport: Sendable {
    let client: CurlClient
    let configuration: LLMProviderConfiguration
    let url: String
    let headers: [(String, String)]

    var provider: String { configuration.name }

    /// POSTs `body` and returns the 2xx response.
    /// - Throws: `ProviderError` (`.http` for non-2xx, `.transport`/`.timeout` for no response);
    ///   `CancellationError` when the task is cancelled.
    func send(_ body: Data) async throws -> HTTPResponse {
        var request = HTTPRequest(method: "POST", url: url, headers: headers + [("Accept", "application/json")], body: body)
        request.connectTimeout = min(configuration.connectTimeout, configuration.timeout)
        request.totalTimeout = configuration.timeout
        request.maxResponseBytes = configuration.maxResponseBytes
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch let error as CurlError {
            throw ProviderError.transport(provider: provider, url: url, error)
        }
        guard response.isSuccess else {
            throw ProviderError.http(provider: provider, url: url, status: response.status, body: response.body,
                                     retryAfter: response.header("retry-after"))
        }
        return response
    }

    /// POSTs `body` expecting `text/event-stream` and hands each event to `handle` in order, until the body
    /// ends. `handle` returns `true` once the API's end marker arrived (later events are ignored, but the body
    /// is still read to its end so the connection can be reused).
    /// - Returns: whether the end marker arrived.
    /// - Throws: `ProviderError` for a non-2xx status (with the server's message), a transport failure or
    ///   timeout; whatever `handle` throws; `CancellationError` when the task is cancelled.
    func streamEvents(_ body: Data, handle: (SSEEvent) throws -> Bool) async throws -> Bool {
        var request = HTTPRequest(method: "POST", url: url, headers: headers + [("Accept", "text/event-stream")], body: body)
        request.connectTimeout = min(configuration.connectTimeout, configuration.timeout)
        request.totalTimeout = max(configuration.streamTimeout, configuration.timeout)
        request.idleTimeout = configuration.timeout
        request.maxResponseBytes = configuration.maxResponseBytes
        var parser = SSEParser()
        var finished = false
        var errorHead: HTTPResponseHead?
        var errorBody = Data()
        do {
            for try await event in client.stream(request) {
                switch event {
                case .head(let head):
                    if !head.isSuccess { errorHead = head }
                case .body(let chunk):
                    if errorHead != nil {
                        if errorBody.count < 65_536 { errorBody.append(chunk) }
                        continue
                    }
                    guard !finished else { continue }
                    for sse in parser.feed(chunk) where !finished {
                        finished = try handle(sse)
                    }
                }
            }
        } catch let error as CurlError {
            if let head = errorHead {  // the error body was cut short: report the status anyway
                throw ProviderError.http(provider: provider, url: url, status: head.status, body: errorBody,
                                         retryAfter: head.header("retry-after"))
            }
            throw ProviderError.transport(provider: provider, url: url, error)
        }
        try Task.checkCancellation()  // a cancelled stream ends quietly; do not mistake it for a complete one
        if let head = errorHead {
            throw ProviderError.http(provider: provider, url: url, status: head.status, body: errorBody,
                                     retryAfter: head.header("retry-after"))
        }
        if !finished {
            for sse in parser.finish() where !finished { finished = try handle(sse) }
        }
        return finished
    }

    /// Runs `body` in a task whose events go to a new stream; dropping the stream cancels the task.
    static func makeStream(
        _ body: @escaping @Sendable (AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation) async throws -> Void
    ) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await body(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
