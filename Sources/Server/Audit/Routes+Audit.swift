import Foundation
import Hummingbird

extension RAGServer {
    func addAuditRoutes(_ routes: RouteTable) {
        // `GET /api/v1/audit?limit&since&before_id&principal&action&namespace` (admin): entries newest first,
        // `{"entries": [..], "next_before_id"}` (pass it as `before_id` for the next page; null at the end).
        routes.on("/api/v1/audit", .get) { [self] request, context in
            try context.require(.admin)
            let parameters = request.uri.queryParameters
            var query = AuditLog.Query()
            query.limit = try Self.queryInt(request, "limit", default: 100, range: 1...1000)
            if parameters.get("before_id") != nil {
                query.beforeID = Int64(try Self.queryInt(request, "before_id", default: 1, range: 1...Int.max))
            }
            if let raw = parameters.get("since") {
                guard let since = RFC3339.parse(raw) else {
                    throw APIProblem.badRequest("query parameter since must be an RFC 3339 time or seconds since 1970, got \"\(raw.prefix(40))\"",
                                                field: "since", code: "invalid_parameter")
                }
                query.since = since
            }
            query.principal = try Self.queryText(request, "principal")
            query.action = try Self.queryText(request, "action")
            query.namespace = try Self.queryText(request, "namespace")
            let entries = try audit.list(query)
            return JSONWire.response(["entries": entries.map(\.jsonObject),
                                      "next_before_id": entries.count == query.limit ? entries.last!.id as Any : NSNull()])
        }
    }

    /// A non-empty query parameter of at most 256 characters.
    static func queryText(_ request: Request, _ name: String) throws -> String? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard (1...256).contains(raw.count) else {
            throw APIProblem.badRequest("query parameter \(name) must be 1 to 256 characters", field: name, code: "invalid_parameter")
        }
        return raw
    }
}
