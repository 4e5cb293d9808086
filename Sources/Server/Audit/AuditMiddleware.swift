import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Records every API request in the audit log once its response is final. The outermost middleware, so it
/// sees the status `RequestMiddleware` answered with (problem mapping and 405s included) and the request id it
/// put on the response; the principal, namespace, resource ids and shown documents come from the request's
/// `AuditNote` (`context.audit`), which inner middleware and handlers fill.
///
/// Operational routes (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`) are not recorded: probes would
/// drown the log. Unrouted paths are recorded as `METHOD unmatched`, without the path.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let log: AuditLog
    let logger: Logger
    /// With authentication on, the principal recorded until the credentials are accepted (`anonymous`), so a
    /// refused request is not attributed to the local operator.
    let unauthenticated: String?

    static let unaudited: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json"]

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        if let unauthenticated { context.audit.setPrincipal(unauthenticated) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // `RequestMiddleware` answers every error itself; this is only a safety net.
            record(request, context: context, status: APIProblem.from(error).status.code, requestID: context.requestID)
            throw error
        }
        record(request, context: context, status: response.status.code,
               requestID: response.headers[RequestMiddleware.requestIDHeader] ?? context.requestID)
        return response
    }

    private func record(_ request: Request, context: ServerContext, status: Int, requestID: String) {
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
        Self.record(context.audit, status: status, requestID: requestID, route: route, method: request.method.rawValue, log: log, logger: logger)
    }

    /// Appends the entry `note` describes, unless `route` is an operational one; a failed write is logged.
    static func record(_ note: AuditNote, status: Int, requestID: String, route: String?, method: String, log: AuditLog, logger: Logger) {
        if let route, unaudited.contains(route) { return }
        let entry = note.entry(status: status, requestID: requestID, route: route, method: method)
        do {
            try log.record(entry)
        } catch {
            logger.error("audit log write failed", metadata: ["error": "\(error)", "request_id": "\(requestID)"])
        }
    }
}
