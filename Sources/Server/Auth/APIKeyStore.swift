import Foundation
import VectorStore

/// API keys in the store's SQLite file (`api_keys`, migration `server.v1.api_keys`): create, list, revoke,
/// rotate, and check a presented key. Used by `ragctl keys`, `/api/v1/keys` and the authenticator; a change
/// made by one process is seen by a running server at its next request (no cache).
public struct APIKeyStore: Sendable {
    public let store: VectorStore
    let pepper: APIKeyPepper
    /// Wall-clock time (expiry and grace periods are dates); injected so tests advance it.
    let now: @Sendable () -> Date

    /// - Parameter store: opened with `ServerSchema.migrations`.
    public init(store: VectorStore, pepper: APIKeyPepper, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.pepper = pepper
        self.now = now
    }

    /// Creates a key and returns it with its secret, the only time the secret exists outside the caller.
    /// - Throws: `AuthError(.invalidArgument)` for a bad spec.
    public func create(_ spec: APIKey.Spec) throws -> (key: APIKey, secret: String) {
        let time = now()
        try spec.validate(now: time)
        let id = APIKeyToken.randomID()
        let secret = APIKeyToken.make(id: id, secret: APIKeyToken.randomSecret())
        let key = APIKey(id: id, name: spec.name, role: spec.role, namespaces: spec.role == .admin ? nil : spec.namespaces,
                         clearance: spec.clearance, requestsPerMinute: spec.requestsPerMinute, tokensPerMinute: spec.tokensPerMinute,
                         createdAt: time, expiresAt: spec.expiresAt)
        try store.write { tx in
            try tx.execute("""
                INSERT INTO api_keys (id, name, role, namespaces, clearance, rpm, tpm, secret_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(key.name), .text(key.role.rawValue), Self.namespacesValue(key.namespaces),
                      .text(key.clearance.rawValue), Self.optional(key.requestsPerMinute), Self.optional(key.tokensPerMinute),
                      .blob(pepper.hash(secret)), .real(time.timeIntervalSince1970), Self.optional(key.expiresAt)])
        }
        return (key, secret)
    }

    /// Every key, oldest first.
    public func list() throws -> [APIKey] {
        try store.query("SELECT \(Self.columns) FROM api_keys ORDER BY created_at, id").map(Self.key)
    }

    public func get(_ id: String) throws -> APIKey? {
        try store.query("SELECT \(Self.columns) FROM api_keys WHERE id = ?", [.text(id)]).first.map(Self.key)
    }

    /// Revokes a key at once (its rotated-out secret too). Revoking a revoked key keeps the first time.
    /// - Throws: `AuthError(.keyNotFound)`.
    @discardableResult
    public func revoke(_ id: String) throws -> APIKey {
        let time = now().timeIntervalSince1970
        try store.write { tx in
            try tx.execute("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?), previous_hash = NULL, previous_until = NULL WHERE id = ?",
                           [.real(time), .text(id)])
        }
        guard let key = try get(id) else { throw AuthError(.keyNotFound, "no API key with id \(id)", context: id) }
        return key
    }

    /// Gives a key a new secret; the old one keeps working for `grace` seconds (0: stops at once). A second
    /// rotation within the grace period ends the first old secret's grace.
    /// - Throws: `AuthError(.keyNotFound)`, `.keyInactive` for a revoked or expired key, `.invalidArgument`
    ///   for a negative grace.
    public func rotate(_ id: String, grace: TimeInterval) throws -> (key: APIKey, secret: String) {
        guard grace >= 0, grace.isFinite else { throw AuthError(.invalidArgument, "grace must be 0 or more seconds; got \(grace)") }
        let time = now()
        let secret = APIKeyToken.make(id: id, secret: APIKeyToken.randomSecret())
        try store.write { tx in
            guard let row = try tx.query("SELECT \(Self.columns) FROM api_keys WHERE id = ?", [.text(id)]).first else {
                throw AuthError(.keyNotFound, "no API key with id \(id)", context: id)
            }
            let state = Self.key(row).state(at: time)
            guard state == .active else { throw AuthError(.keyInactive, "API key \(id) is \(state.rawValue); create a new key instead", context: id) }
            try tx.execute("""
                UPDATE api_keys SET previous_hash = secret_hash, previous_until = ?, secret_hash = ?, rotated_at = ? WHERE id = ?
                """, [.real(time.timeIntervalSince1970 + grace), .blob(pepper.hash(secret)), .real(time.timeIntervalSince1970), .text(id)])
        }
        return (try get(id)!, secret)
    }

    /// Why a presented key was refused; for the server log only; the caller is told the same for each.
    public enum Rejection: String, Sendable, Error {
        case malformed, unknown, wrongSecret = "wrong_secret", rotatedOut = "rotated_out", revoked, expired
    }

    /// The key a presented secret belongs to, if it is valid now: the current secret, or the previous one
    /// within its grace period. Hashes compare in constant time, and an unknown id costs a hash too.
    public func authenticate(_ token: String) throws -> Result<APIKey, Rejection> {
        let presented = pepper.hash(token)
        guard let id = APIKeyToken.id(of: token) else {
            _ = constantTimeEqual(presented, Self.dummyHash)
            return .failure(.malformed)
        }
        let rows = try store.query("SELECT \(Self.columns), secret_hash, previous_hash FROM api_keys WHERE id = ?", [.text(id)])
        guard let row = rows.first else {
            _ = constantTimeEqual(presented, Self.dummyHash)
            return .failure(.unknown)
        }
        let key = Self.key(row)
        let time = now()
        let current = constantTimeEqual(presented, row[Self.columnCount].bytes ?? Self.dummyHash)
        let previous = constantTimeEqual(presented, row[Self.columnCount + 1].bytes ?? Self.dummyHash)
        if !current {
            guard previous else { return .failure(.wrongSecret) }
            guard let until = key.previousValidUntil, time < until else { return .failure(.rotatedOut) }
        }
        switch key.state(at: time) {
        case .active: return .success(key)
        case .revoked: return .failure(.revoked)
        case .expired: return .failure(.expired)
        }
    }

    // MARK: Rows

    private static let dummyHash = [UInt8](repeating: 0xA5, count: 32)
    private static let columns = "id, name, role, namespaces, clearance, rpm, tpm, created_at, expires_at, revoked_at, rotated_at, previous_until"
    private static let columnCount = 12

    private static func key(_ row: [SQLValue]) -> APIKey {
        func date(_ value: SQLValue) -> Date? { value.double.map { Date(timeIntervalSince1970: $0) } }
        var namespaces: Set<String>?
        if let text = row[3].string, let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] {
            namespaces = Set(list)
        }
        return APIKey(id: row[0].string ?? "", name: row[1].string ?? "", role: Principal.Role(rawValue: row[2].string ?? "") ?? .reader,
                      namespaces: namespaces, clearance: AccessLevel(rawValue: row[4].string ?? "") ?? .public,
                      requestsPerMinute: row[5].int, tokensPerMinute: row[6].int, createdAt: date(row[7]) ?? Date(timeIntervalSince1970: 0),
                      expiresAt: date(row[8]), revokedAt: date(row[9]), rotatedAt: date(row[10]), previousValidUntil: date(row[11]))
    }

    private static func namespacesValue(_ namespaces: Set<String>?) -> SQLValue {
        guard let namespaces else { return .null }
        let data = (try? JSONSerialization.data(withJSONObject: namespaces.sorted())) ?? Data("[]".utf8)
        return .text(String(decoding: data, as: UTF8.self))
    }

    private static func optional(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    private static func optional(_ value: Date?) -> SQLValue { value.map { .real($0.timeIntervalSince1970) } ?? .null }
}
