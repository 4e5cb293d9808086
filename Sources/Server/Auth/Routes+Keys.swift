import Foundation
import HTTPTypes
import Hummingbird
import VectorStore

extension RAGServer {
    /// Admin API for keys, the same operations as `ragctl keys`. With authentication off there is no pepper
    /// to hash keys with, so these answer 404 (`auth_disabled`).
    func addKeyRoutes(_ routes: RouteTable, keys: APIKeyStore?) {
        routes.on("/api/v1/keys", .get) { _, context in
            try context.require(.admin)
            let keys = try Self.keyStore(keys)
            let now = keys.now()
            return JSONWire.response(["keys": try keys.list().map { $0.jsonObject(now: now) }])
        }

        routes.on("/api/v1/keys", .post) { [self] request, context in
            try context.require(.admin)
            let keys = try Self.keyStore(keys)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body,
                                                  allowed: ["name", "role", "namespaces", "clearance", "rpm", "tpm", "expires_at"])
            let name = try body.requiredString("name", maxLength: 128)
            let role = try body.choice("role", default: Principal.Role.reader)
            let clearance = try body.choice("clearance", default: AccessLevel.public)
            let rpm = body.has("rpm") ? try body.int("rpm", default: 0, range: 0...1_000_000_000) : nil
            let tpm = body.has("tpm") ? try body.int("tpm", default: 0, range: 0...1_000_000_000) : nil
            let namespaces: Set<String>?
            if role == .admin, !body.has("namespaces") {
                namespaces = nil
            } else {
                guard let list = try body.stringArray("namespaces", maxCount: 1000) else {
                    throw APIProblem.badRequest("namespaces is required: an array of names, or [\"*\"] for all", field: "namespaces",
                                                code: "missing_field")
                }
                namespaces = try Self.mapAuthError(field: "namespaces") { try APIKey.parseNamespaces(list) }
            }
            var expires: Date?
            if let text = try body.string("expires_at", maxLength: 64) {
                expires = try Self.mapAuthError(field: "expires_at") { try APIKey.parseExpiry(text, now: keys.now()) }
            }
            let spec = APIKey.Spec(name: name, role: role, namespaces: namespaces, clearance: clearance,
                                   requestsPerMinute: rpm, tokensPerMinute: tpm, expiresAt: expires)
            let (key, secret) = try Self.mapAuthError(field: nil) { try keys.create(spec) }
            context.audit.resource(key.id)
            var object = key.jsonObject(now: keys.now())
            object["key"] = secret
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            return JSONWire.response(object, status: .created, headers: headers)
        }

        routes.on("/api/v1/keys/:id/revoke", .post) { _, context in
            try context.require(.admin)
            let keys = try Self.keyStore(keys)
            let id = try context.parameter("id")
            let key = try Self.mapAuthError(field: nil) { try keys.revoke(id) }
            return JSONWire.response(key.jsonObject(now: keys.now()))
        }

        routes.on("/api/v1/keys/:id/rotate", .post) { [self] request, context in
            try context.require(.admin)
            let keys = try Self.keyStore(keys)
            let id = try context.parameter("id")
            // The body is optional: no body rotates with no grace period.
            var grace = 0
            let bytes = try await JSONRequest.collect(request, context: context, limits: configuration.body)
            if bytes.readableBytes > 0 {
                try JSONRequest.checkContentType(request, accepted: ["application/json"])
                grace = try JSONRequest.parse(bytes, limits: configuration.body, allowed: ["grace"])
                    .int("grace", default: 0, range: 0...31_536_000)
            }
            let (key, secret) = try Self.mapAuthError(field: "grace") { try keys.rotate(id, grace: TimeInterval(grace)) }
            context.audit.resource(key.id)
            var object = key.jsonObject(now: keys.now())
            object["key"] = secret
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            return JSONWire.response(object, headers: headers)
        }
    }

    private static func keyStore(_ keys: APIKeyStore?) throws -> APIKeyStore {
        guard let keys else {
            throw APIProblem(.notFound, code: "auth_disabled", "key management over HTTP needs [auth] enabled = true; use ragctl keys")
        }
        return keys
    }

    private static func mapAuthError<T>(field: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AuthError {
            switch error.code {
            case .keyNotFound: throw APIProblem(.notFound, code: error.code.rawValue, error.message)
            case .keyInactive: throw APIProblem(.conflict, code: error.code.rawValue, error.message)
            case .invalidArgument: throw APIProblem(.badRequest, code: "invalid_field", error.message, field: field)
            case .configuration, .storage: throw APIProblem(.internalServerError, code: error.code.rawValue, error.message)
            }
        }
    }
}
