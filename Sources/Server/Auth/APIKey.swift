import Foundation
import VectorStore

/// An API key's stored record: who it speaks for, never its secret.
public struct APIKey: Sendable, Equatable {
    public enum State: String, Sendable {
        case active, expired, revoked
    }

    /// 16 lowercase hex digits; the part of the key between `rk_` and the secret.
    public var id: String
    public var name: String
    public var role: Principal.Role
    /// nil: every namespace (always so for admin keys).
    public var namespaces: Set<String>?
    public var clearance: AccessLevel
    /// Own limits instead of `[rate_limit] user_rpm` / `user_tpm`; 0 = unlimited.
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var rotatedAt: Date?
    /// Until when the secret replaced by the last rotation still works.
    public var previousValidUntil: Date?

    public func state(at now: Date) -> State {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }

    /// The principal requests made with this key act as: `key:ID`, so a key never shares rate-limit buckets
    /// or query-log ownership with a JWT subject of the same name.
    public var principal: Principal {
        Principal(id: "key:\(id)", role: role, namespaces: role == .admin ? nil : namespaces, clearance: clearance,
                  requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute)
    }

    /// What to create: everything but the id, secret and timestamps.
    public struct Spec: Sendable {
        public var name: String
        public var role: Principal.Role
        public var namespaces: Set<String>?
        public var clearance: AccessLevel
        public var requestsPerMinute: Int?
        public var tokensPerMinute: Int?
        public var expiresAt: Date?

        public init(name: String, role: Principal.Role, namespaces: Set<String>?, clearance: AccessLevel,
                    requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, expiresAt: Date? = nil) {
            self.name = name
            self.role = role
            self.namespaces = namespaces
            self.clearance = clearance
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerMinute = tokensPerMinute
            self.expiresAt = expiresAt
        }

        /// - Throws: `AuthError(.invalidArgument)` naming the field at fault.
        public func validate(now: Date) throws {
            guard (1...128).contains(name.count), !name.contains(where: \.isNewline) else {
                throw AuthError(.invalidArgument, "name must be 1-128 characters on one line")
            }
            if let namespaces {
                guard role == .admin || !namespaces.isEmpty else {
                    throw AuthError(.invalidArgument, "namespaces must name at least one namespace, or be * for all")
                }
                if let bad = namespaces.sorted().first(where: { $0.isEmpty || $0.count > 256 || $0 == "*" }) {
                    throw AuthError(.invalidArgument, "namespace \"\(bad)\" is not a namespace name (use * alone for all)")
                }
            }
            for (flag, value) in [("rpm", requestsPerMinute), ("tpm", tokensPerMinute)] {
                if let value, value < 0 { throw AuthError(.invalidArgument, "\(flag) must be 0 (unlimited) or positive; got \(value)") }
            }
            if let expiresAt, expiresAt <= now {
                throw AuthError(.invalidArgument, "expiry \(Self.rfc3339(expiresAt)) is in the past")
            }
        }

        static func rfc3339(_ date: Date) -> String { APIKey.rfc3339(date) }
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// The wire form of a key, `rk_<16 hex id>_<43 base64url secret>`: the id finds the record, and the whole
/// string is what is hashed, so a secret is bound to its id.
enum APIKeyToken {
    static let prefix = "rk_"
    static let idLength = 16

    /// The id of a well-formed key, or nil.
    static func id(of token: String) -> String? {
        let utf8 = Array(token.utf8)
        let start = prefix.utf8.count
        guard utf8.count > start + idLength + 1, utf8.count <= 160, token.hasPrefix(prefix),
              utf8[start + idLength] == UInt8(ascii: "_") else { return nil }
        let id = utf8[start..<(start + idLength)]
        guard id.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        let secret = utf8[(start + idLength + 1)...]
        guard secret.allSatisfy(isBase64URL) else { return nil }
        return String(decoding: id, as: UTF8.self)
    }

    static func make(id: String, secret: [UInt8]) -> String {
        prefix + id + "_" + base64URL(secret)
    }

    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value: UInt64 = generator.next()
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: idLength - hex.count) + hex
    }

    static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
