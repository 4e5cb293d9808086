import Foundation
import Hummingbird
import Logging

/// Turns a request's `Authorization: Bearer …` into a `Principal`: an API key (`rk_…`) or a JWT (three
/// dot-separated parts). `/healthz` and `/readyz`, and `/metrics` and `/openapi.json` when configured, need
/// none. Every refusal is a 401 with `WWW-Authenticate`; which check failed goes to the server log only
/// (the caller learns no more than "not valid", or for a genuine token that it expired or is for another server).
public final class Authenticator: Sendable {
    public let keys: APIKeyStore
    public let tokens: TokenVerifier?
    let openPaths: Set<String>

    public init(keys: APIKeyStore, tokens: TokenVerifier?, configuration: AuthConfiguration) {
        self.keys = keys
        self.tokens = tokens
        openPaths = configuration.openPaths
    }

    /// Requests to open paths act as this: no role a handler would accept beyond its own check, no namespaces.
    public static let anonymous = Principal(id: "anonymous", role: .reader, namespaces: [], clearance: .public)

    static let realm = "Bearer realm=\"ragctl\""

    /// What a request presents: nothing needed (an open path), an API key or a JWT.
    enum Credential {
        case open
        case apiKey(String)
        case token(String)
    }

    /// - Throws: `APIProblem` 401 when the `Authorization` header is missing or is neither an API key nor a JWT.
    func credential(path: String, authorization: String?) throws(APIProblem) -> Credential {
        if openPaths.contains(path) { return .open }
        guard let header = authorization else {
            throw APIProblem(.unauthorized, code: "unauthorized",
                             "this needs credentials: send Authorization: Bearer <API key or JWT>", headers: ["WWW-Authenticate": Self.realm])
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw Self.invalid("the Authorization header must be \"Bearer <API key or JWT>\"")
        }
        let credential = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        if credential.hasPrefix(APIKeyToken.prefix) { return .apiKey(credential) }
        guard credential.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 else {
            throw Self.invalid("the bearer credential is neither an API key (rk_…) nor a JWT")
        }
        return .token(credential)
    }

    /// The caller of `request`.
    /// - Throws: `APIProblem` 401 when credentials are missing or not valid.
    func principal(for request: Request, logger: Logger) async throws -> Principal {
        switch try credential(path: request.uri.path, authorization: request.headers[.authorization]) {
        case .open:
            return Self.anonymous
        case .apiKey(let credential):
            switch try keys.authenticate(credential) {
            case .success(let key):
                return key.principal
            case .failure(let rejection):
                logger.notice("authentication failed", metadata: ["credential": "api_key", "reason": .string(rejection.rawValue),
                                                                  "key_id": .string(APIKeyToken.id(of: credential) ?? "-")])
                throw Self.invalid("the API key is not valid (unknown, revoked, expired or replaced); ask an admin for a valid key")
            }
        case .token(let credential):
            guard let tokens else {
                throw Self.invalid("this server accepts API keys only; JWTs are not configured")
            }
            do {
                return try await tokens.verify(credential)
            } catch {
                logger.notice("authentication failed", metadata: ["credential": "jwt", "reason": .string(error.reason)])
                throw Self.invalid(error.description)
            }
        }
    }

    /// The caller when it is known without suspending: an open path or a valid API key. nil for a JWT (verified
    /// asynchronously) and for every refusal, which `principal(for:logger:)` then answers and logs.
    func immediatePrincipal(path: String, authorization: String?) -> Principal? {
        switch try? credential(path: path, authorization: authorization) {
        case .open:
            return Self.anonymous
        case .apiKey(let credential):
            guard case .success(let key) = try? keys.authenticate(credential) else { return nil }
            return key.principal
        case .token, nil:
            return nil
        }
    }

    static func invalid(_ detail: String) -> APIProblem {
        APIProblem(.unauthorized, code: "invalid_token", detail, headers: ["WWW-Authenticate": realm + ", error=\"invalid_token\""])
    }
}
