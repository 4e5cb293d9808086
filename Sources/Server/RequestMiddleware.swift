import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Logging
import Retrieval

/// The outermost layer of every request: assigns the request id (echoing a well-formed `X-Request-ID`),
/// authenticates the caller when `[auth]` is on (`Authenticator`, which sets `context.principal`), turns every
/// error into `application/problem+json` (or OpenAI's error shape under `/v1/`), records HTTP metrics by route
/// pattern, and writes one structured access-log line naming the principal. Logs carry the route pattern, never
/// bodies or query strings, so no request text (or PII in it) reaches them.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics
    let accessLog: Bool
    let methods: MethodBox
    /// nil: authentication is off and every caller is the local operator.
    let authenticator: Authenticator?

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = Self.requestID(from: request.headers[Self.requestIDHeader])
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        let start = ContinuousClock.now
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        var response: Response
        do {
            if let authenticator {
                context.principal = try await authenticator.principal(for: request, logger: context.logger)
                context.logger[metadataKey: "principal"] = .string(context.principal.id)
            }
            response = try await next(request, context)
        } catch {
            var problem = APIProblem.from(error)
            if problem.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound", !(error is APIProblem),
               let allowed = methods.table.allowed(for: request.uri.path) {
                let allow = allowed.joined(separator: ", ")
                problem = APIProblem(.methodNotAllowed, code: "method_not_allowed", "\(request.uri.path) serves \(allow)", headers: ["Allow": allow])
            }
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            response = request.uri.path.hasPrefix("/v1/") ? OpenAIError.response(problem) : problem.response(requestID: requestID)
        }
        response.headers[Self.requestIDHeader] = requestID
        // Route patterns only; Hummingbird names unrouted requests "NotFound".
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        Self.finished(route: route, method: request.method.rawValue, status: response.status.code, since: start,
                      principal: context.principal.id, requestID: requestID, logger: context.logger, metrics: metrics, accessLog: accessLog)
        return response
    }

    /// Records a finished request: `http_requests_total` and `http_request_duration_seconds` by route pattern,
    /// method and status, and the access-log line when `accessLog` is on (and the logger's level is info or lower).
    static func finished(route: String, method: String, status: Int, since start: ContinuousClock.Instant, principal: String,
                         requestID: String, logger: Logger, metrics: ServerMetrics, accessLog: Bool) {
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(route: route, method: method, status: status, seconds: seconds)
        if accessLog, logger.logLevel <= .info {
            LogSink.standardError.write(accessLine(logger: logger.label, method: method, route: route, status: status, seconds: seconds,
                                                   principal: principal, requestID: requestID))
        }
    }

    /// The access-log line: what `JSONLogHandler` writes for
    /// `logger.info("request", metadata: [method, route, status, ms, principal, request_id])`, written directly
    /// (fixed keys in sorted order) because it is the one line every request logs.
    static func accessLine(logger: String, method: String, route: String, status: Int, seconds: Double, principal: String,
                           requestID: String) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(192)
        func field(_ key: StaticString, _ value: String, first: Bool = false) {
            if !first { line.append(UInt8(ascii: ",")) }
            key.withUTF8Buffer { line.append(contentsOf: $0) }
            JSONText.writeString(value, into: &line)
        }
        line.append(UInt8(ascii: "{"))
        field(#""level":"#, "info", first: true)
        field(#""logger":"#, logger)
        field(#""method":"#, method)
        field(#""ms":"#, milliseconds(seconds))
        field(#""msg":"#, "request")
        field(#""principal":"#, principal)
        field(#""request_id":"#, requestID)
        field(#""route":"#, route)
        field(#""status":"#, String(status))
        line.append(contentsOf: Array(#","ts":"#.utf8))
        line.append(contentsOf: JSONLogHandler.timestamp())
        line.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        return line
    }

    /// `seconds` as milliseconds with two decimals ("12.34"), without `String(format:)`.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((max(0, seconds) * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A valid incoming id (1–128 of `[A-Za-z0-9._-]`) or a fresh random one.
    static func requestID(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
           header.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }) {
            return header
        }
        let value = RandomID.next()
        return String(unsafeUninitializedCapacity: 20) { buffer in
            for (index, byte) in "req_".utf8.enumerated() { buffer[index] = byte }
            for index in 0..<16 { buffer[4 + index] = Hashing.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0x0F) }
            return 20
        }
    }
}
