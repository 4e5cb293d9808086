import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes
import Retrieval

/// The cached-answer path of `POST /api/v1/query`: a repeated question is answered from the exact cache on the
/// connection's event loop, where its bytes arrive, instead of crossing into Swift concurrency and through the
/// router and middleware. Everything the full path does for such a request is done here too, by the same code:
/// authentication (`Authenticator.immediatePrincipal`), the role, content-type, body-size and namespace checks
/// (`RAGServer.queryRequest`), the rate limit, the cache metrics and the query log (`QueryEngine.cachedAnswer`),
/// the request id, HTTP metrics and access-log line (`RequestMiddleware.finished`), and the audit entry
/// (`AuditMiddleware.record`). The answer is byte for byte what the full path writes.
///
/// Anything else goes to Hummingbird untouched: other routes, a miss, a JWT (verified asynchronously), any
/// request that would be refused (the full path answers and logs the refusal), a streamed answer, a body over
/// 4 KB or one that has not fully arrived in the same read (the full path applies the body timeout), and
/// `Connection: close`. Responses keep the request order: while a request handed to Hummingbird has not been
/// answered, the ones after it are handed over too.
final class CachedQueryHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let server: RAGServer
    /// A candidate request, held until its end arrives.
    private var held: (head: HTTPRequest, body: ByteBuffer, start: ContinuousClock.Instant)?
    /// Requests handed to Hummingbird whose response has not ended.
    private var unanswered = 0
    /// Responses written since the last flush.
    private var unflushed = false

    init(server: RAGServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if unanswered == 0, server.mayAnswerFromCache(head) {
                held = (head, context.channel.allocator.buffer(capacity: 0), .now)
            } else {
                unanswered += 1
                context.fireChannelRead(data)
            }
        case .body(let chunk):
            guard held != nil else { return context.fireChannelRead(data) }
            if held!.body.readableBytes + chunk.readableBytes > RAGServer.memoisedBodyBytes {
                handOver(context)
                context.fireChannelRead(data)
            } else if held!.body.readableBytes == 0 {
                held!.body = chunk
            } else {
                held!.body.writeImmutableBuffer(chunk)
            }
        case .end:
            guard let (head, body, start) = held else { return context.fireChannelRead(data) }
            held = nil
            if let (response, bytes) = server.cachedQueryResponse(head, body: body, start: start) {
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(bytes)), promise: nil)
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                unflushed = true
            } else {
                unanswered += 1
                context.fireChannelRead(wrapInboundOut(.head(head)))
                if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
                context.fireChannelRead(data)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // A body still arriving is the full path's to wait for (under the body timeout).
        if held != nil { handOver(context) }
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), unanswered > 0 { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    /// Passes the held request's head and body so far to Hummingbird; the rest of it follows as it arrives.
    private func handOver(_ context: ChannelHandlerContext) {
        guard let (head, body, _) = held else { return }
        held = nil
        unanswered += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }
}

/// Hummingbird's HTTP/1.1 channel (or TLS around it) with `CachedQueryHandler` between its connection-state
/// handler (idle timeout, graceful shutdown: it sees every request and response) and the request handling.
struct CachedQueryChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let server: RAGServer

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let state = try channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self)
            try channel.pipeline.syncOperations.addHandler(CachedQueryHandler(server: server), position: .after(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension RAGServer {
    /// Whether a request head could be a cached query: `POST /api/v1/query` with a JSON body of at most 4 KB
    /// (by its `Content-Length`), not asking to close the connection or to continue. Never while the query log
    /// or the audit log writes each record at once (`flush_interval = 0`): an event loop must not wait for SQLite.
    func mayAnswerFromCache(_ head: HTTPRequest) -> Bool {
        guard recordsInBatches, head.method == .post, head.path == "/api/v1/query",
              let length = head.headerFields[.contentLength].flatMap(Int.init), length <= min(Self.memoisedBodyBytes, configuration.body.maxBytes),
              head.headerFields[.connection] == nil, head.headerFields[.expect] == nil, head.headerFields[.transferEncoding] == nil
        else { return false }
        return true
    }

    /// The response to a complete `POST /api/v1/query` when it is an exact-cache hit the caller may have; nil
    /// (nothing recorded) when the full path must answer it. See `CachedQueryHandler`.
    /// - Parameter start: when the request's head arrived (its latency in metrics and the access log).
    func cachedQueryResponse(_ head: HTTPRequest, body: ByteBuffer, start: ContinuousClock.Instant) -> (HTTPResponse, ByteBuffer)? {
        let principal: Principal
        if let authenticator {
            guard let known = authenticator.immediatePrincipal(path: "/api/v1/query", authorization: head.headerFields[.authorization]) else {
                return nil
            }
            principal = known
        } else {
            principal = .localOperator
        }
        let audit = AuditNote(principal: principal.id)
        audit.name(Self.queryAction)
        guard principal.role >= .reader, (try? JSONRequest.checkContentType(head.headerFields, accepted: Self.json)) != nil,
              let parsed = try? queryRequest(body, principal: principal, audit: audit), !parsed.stream
        else { return nil }

        let requestID = RequestMiddleware.requestID(from: head.headerFields[RequestMiddleware.requestIDHeader])
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        var response: HTTPResponse
        let bytes: ByteBuffer
        do {
            guard let answer = try engine.cachedAnswer(parsed.request, caller: principal.caller) else { return nil }
            Self.note(answer, in: audit)
            bytes = JSONWire.answerBody(answer)
            response = HTTPResponse(status: .ok, headerFields: Self.jsonFields)
        } catch {
            // Past the point where the request was taken (the rate limit refused it, the query log failed).
            let problem = APIProblem.from(error)
            if problem.status.code >= 500 {
                logger.error("request failed", metadata: ["error": "\(error)", "path": "/api/v1/query", "request_id": "\(requestID)"])
            }
            bytes = problem.body(requestID: requestID)
            response = HTTPResponse(status: problem.status, headerFields: problem.headerFields)
        }
        // Hummingbird's headers, in its order; none of these is set above.
        response.headerFields.append(HTTPField(name: .contentLength, value: String(bytes.readableBytes)))
        response.headerFields.append(HTTPField(name: RequestMiddleware.requestIDHeader, value: requestID))
        response.headerFields.append(HTTPField(name: .date, value: HTTPDate.now()))
        response.headerFields.append(Self.serverField)
        RequestMiddleware.finished(route: "/api/v1/query", method: "POST", status: response.status.code, since: start,
                                   principal: principal.id, requestID: requestID, logger: logger, metrics: metrics,
                                   accessLog: configuration.accessLog)
        if configuration.audit.enabled {
            AuditMiddleware.record(audit, status: response.status.code, requestID: requestID, route: "/api/v1/query", method: "POST",
                                   log: self.audit, logger: logger)
        }
        eventLoopResponses.add(1, ordering: .relaxed)
        return (response, bytes)
    }

    private static let json = ["application/json"]
    /// What the audit log names these requests (as `AuditMiddleware` would).
    private static let queryAction = AuditAction.name(method: "POST", route: "/api/v1/query")

    private var recordsInBatches: Bool { engine.log.writesInBatches && (!configuration.audit.enabled || audit.writesInBatches) }

    /// The `Server` header of every response.
    static let serverName = "ragctl"
    private static let serverField = HTTPField(name: .server, value: serverName)
    private static let jsonFields: HTTPFields = {
        var fields = HTTPFields()
        fields.reserveCapacity(5)
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        return fields
    }()
}

/// The `Date` header (RFC 9110 IMF-fixdate), formatted once per second.
enum HTTPDate {
    private static let cache = NIOLockedValueBox<(second: Int, text: String)>((-1, ""))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        let second = time(nil)
        return cache.withLockedValue { cached in
            if cached.second == second { return cached.text }
            cached = (second, format(second))
            return cached.text
        }
    }

    static func format(_ second: Int) -> String {
        var clock = time_t(second)
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
