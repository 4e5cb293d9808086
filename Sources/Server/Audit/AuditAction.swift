/// The action names the audit log records.
///
/// Administrative requests get a name (`namespace.create` …); every other request is `METHOD /route` with
/// the route's pattern (`GET /api/v1/namespaces/{ns}/documents/{id}`), never the concrete path; an unrouted
/// request is `METHOD unmatched`. Handlers may name their own action with `AuditNote.name(_:)`. Retention
/// writes `audit.prune` and `retention.prune`.
public enum AuditAction {
    public static let named: [String: String] = [
        "POST /api/v1/namespaces": "namespace.create",
        "DELETE /api/v1/namespaces/{ns}": "namespace.delete",
        "POST /api/v1/namespaces/{ns}/vectors": "vectors.upsert",
        "POST /api/v1/namespaces/{ns}/documents": "document.create",
        "DELETE /api/v1/namespaces/{ns}/documents/{id}": "document.delete",
        "POST /api/v1/ingest": "ingest.submit",
        "GET /api/v1/audit": "audit.read",
        "POST /api/v1/keys": "keys.create",
        "POST /api/v1/keys/{id}/revoke": "keys.revoke",
        "POST /api/v1/keys/{id}/rotate": "keys.rotate",
    ]

    public static func name(method: String, route: String?) -> String {
        let method = String(method.prefix(16))
        guard let route else { return "\(method) unmatched" }
        return named["\(method) \(route)"] ?? "\(method) \(route)"
    }
}
