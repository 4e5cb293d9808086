import JWTKit
import VectorStore

/// The claims a JWT carries for this server. Times are checked by `TokenVerifier` with its own clock and
/// leeway, so `verify(using:)` only has the signature behind it.
struct TokenClaims: JWTPayload {
    var sub: String?
    var iss: String?
    var aud: AudienceClaim?
    /// Unix seconds; required.
    var exp: Double?
    var nbf: Double?
    /// reader | writer | admin; required.
    var role: String?
    /// Namespaces the subject may use; `["*"]` (or an admin role) means all; absent means none.
    var namespaces: [String]?
    /// public | internal | restricted; default public.
    var clearance: String?
    /// Own limits instead of `[rate_limit] user_rpm` / `user_tpm`.
    var rpm: Int?
    var tpm: Int?

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The principal these claims describe (`user:SUB`).
    /// - Throws: `TokenVerifier.Rejection.claims` naming the claim at fault.
    func principal() throws(TokenVerifier.Rejection) -> Principal {
        guard let sub, !sub.isEmpty, sub.count <= 256 else { throw .claims("sub (the user id) is required") }
        guard let roleName = role, let role = Principal.Role(rawValue: roleName) else {
            throw .claims("role must be reader, writer or admin")
        }
        var level = AccessLevel.public
        if let clearance {
            guard let parsed = AccessLevel(rawValue: clearance) else { throw .claims("clearance must be public, internal or restricted") }
            level = parsed
        }
        for (name, value) in [("rpm", rpm), ("tpm", tpm)] {
            if let value, value < 0 { throw .claims("\(name) must be 0 (unlimited) or positive") }
        }
        let list = namespaces ?? []
        let scope: Set<String>? = role == .admin || list.contains("*") ? nil : Set(list)
        return Principal(id: "user:\(sub)", role: role, namespaces: scope, clearance: level,
                         requestsPerMinute: rpm, tokensPerMinute: tpm)
    }
}
