import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// Verifies JWT bearer tokens: the algorithm against an allow-list (never `none`), the signature with a key
/// configured for exactly that algorithm (so an RSA public key can never be used as an HMAC secret), then
/// `exp` (required), `nbf`, `iss` and `aud` with a small leeway, then the claims that make the principal.
public final class TokenVerifier: Sendable {
    /// Why a token was refused. `description` is what the caller is told.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case malformed
        case algorithm(String)
        /// No configured key for the token's algorithm and `kid`, or the signature does not verify.
        case signature
        case expired
        case notYetValid
        case issuer
        case audience
        case claims(String)

        /// For the server log: a stable reason name.
        public var reason: String {
            switch self {
            case .malformed: "malformed"
            case .algorithm: "algorithm"
            case .signature: "signature"
            case .expired: "expired"
            case .notYetValid: "not_yet_valid"
            case .issuer: "issuer"
            case .audience: "audience"
            case .claims: "claims"
            }
        }

        public var description: String {
            switch self {
            case .malformed, .signature: "the bearer token is not valid; present an API key or a JWT signed for this server"
            case .algorithm(let alg): "tokens signed with \"\(alg)\" are not accepted"
            case .expired: "the token expired; get a new one"
            case .notYetValid: "the token is not valid yet (nbf); check the clocks"
            case .issuer, .audience: "the token was not issued for this server (iss or aud); get one for this server"
            case .claims(let what): "the token's claims are invalid: \(what)"
            }
        }
    }

    /// One key collection per algorithm, holding only keys of that algorithm, with their `kid`s.
    typealias Collections = [String: (keys: JWTKeyCollection, kids: Set<String>)]

    /// The keys in use: replaced as a whole when the JWK Set is read again.
    private struct Keys {
        var collections: Collections
        var jwksJSON: String?
        var checked: Date
        var reloading = false
        var changed = 0
        var failed = 0
    }

    private let keys: NIOLockedValueBox<Keys>
    private let configuration: AuthConfiguration
    private let now: @Sendable () -> Date

    /// Algorithms with at least one key.
    public var algorithms: [String] { keys.withLockedValue { $0.collections.keys.sorted() } }

    /// Times the JWK Set was read again and found changed, and reads that failed (the old keys stay).
    public var jwksReloads: (changed: Int, failed: Int) { keys.withLockedValue { ($0.changed, $0.failed) } }

    private init(collections: Collections, configuration: AuthConfiguration, now: @escaping @Sendable () -> Date) {
        keys = NIOLockedValueBox(Keys(collections: collections, jwksJSON: configuration.jwksJSON, checked: now()))
        self.configuration = configuration
        self.now = now
    }

    /// Loads the configured keys; nil when none is configured (JWTs are then refused), unless a JWK Set
    /// source is configured: its keys may appear later.
    /// - Throws: `AuthError(.configuration)` for a short HS256 secret, an unreadable PEM or JWKS, a JWKS key
    ///   without `kid`, or an unsupported algorithm in the allow-list.
    public static func make(_ configuration: AuthConfiguration, now: @escaping @Sendable () -> Date = { Date() }) async throws -> TokenVerifier? {
        if let bad = configuration.algorithms.subtracting(AuthConfiguration.supportedAlgorithms).sorted().first {
            throw AuthError(.configuration, "auth.jwt_algorithms: \"\(bad)\" is not supported; use HS256, RS256 or ES256")
        }
        let collections = try await build(configuration, jwksJSON: configuration.jwksJSON)
        if collections.isEmpty, configuration.jwksSource == nil { return nil }
        return TokenVerifier(collections: collections, configuration: configuration, now: now)
    }

    /// The key collections of `configuration` with `jwksJSON` as the JWK Set.
    static func build(_ configuration: AuthConfiguration, jwksJSON: String?) async throws -> Collections {
        var keys: [String: [(kid: String, add: @Sendable (JWTKeyCollection, JWKIdentifier) async throws -> Void)]] = [:]
        if let secret = configuration.hs256Secret {
            guard secret.count >= 32 else {
                throw AuthError(.configuration, "the HS256 secret must be at least 32 bytes; got \(secret.count)")
            }
            let key = HMACKey(from: secret)
            keys["HS256", default: []].append(("hs256", { await $0.add(hmac: key, digestAlgorithm: .sha256, kid: $1) }))
        }
        for (index, pem) in configuration.publicKeyPEMs.enumerated() {
            let kid = "pem-\(index)"
            if let rsa = try? Insecure.RSA.PublicKey(pem: pem) {
                keys["RS256", default: []].append((kid, { await $0.add(rsa: rsa, digestAlgorithm: .sha256, kid: $1) }))
            } else if let ec = try? ES256PublicKey(pem: pem) {
                keys["ES256", default: []].append((kid, { await $0.add(ecdsa: ec, kid: $1) }))
            } else {
                throw AuthError(.configuration, "auth.jwt_public_key_files[\(index)] is not an RSA (2048 bits or more) or P-256 public key in PEM")
            }
        }
        if let json = jwksJSON {
            let set: JWKS
            do { set = try JSONDecoder().decode(JWKS.self, from: Data(json.utf8)) } catch {
                throw AuthError(.configuration, "auth.jwks_file is not a JWK Set: \(error)")
            }
            for (index, var jwk) in set.keys.enumerated() {
                guard let kid = jwk.keyIdentifier?.string else {
                    throw AuthError(.configuration, "auth.jwks_file: key \(index) has no kid")
                }
                let alg: String
                switch (jwk.keyType, jwk.curve?.rawValue, jwk.algorithm?.rawValue) {
                case (.rsa, _, nil), (.rsa, _, "RS256"): alg = "RS256"; jwk.algorithm = .rs256
                case (.ecdsa, "P-256", nil), (.ecdsa, "P-256", "ES256"): alg = "ES256"; jwk.algorithm = .es256
                default: continue   // other key types and algorithms are not accepted
                }
                let key = jwk
                keys[alg, default: []].append((kid, { collection, _ in try await collection.add(jwk: key) }))
            }
        }
        var collections: Collections = [:]
        for (alg, entries) in keys where configuration.algorithms.contains(alg) {
            let collection = JWTKeyCollection()
            for entry in entries { try await entry.add(collection, JWKIdentifier(string: entry.kid)) }
            collections[alg] = (collection, Set(entries.map(\.kid)))
        }
        return collections
    }

    /// Reads the JWK Set again when it is due (or `unknownKid` and the minimum interval passed) and swaps the
    /// keys if it changed. One reader at a time; a failed read or an invalid set keeps the keys in use.
    private func refreshIfDue(unknownKid: Bool) async {
        guard let source = configuration.jwksSource else { return }
        let time = now()
        let due = keys.withLockedValue { keys -> Bool in
            let age = time.timeIntervalSince(keys.checked)
            let wanted = (configuration.jwksReloadInterval > 0 && age >= configuration.jwksReloadInterval)
                || (unknownKid && age >= configuration.jwksMinReload)
            guard wanted, !keys.reloading else { return false }
            keys.reloading = true
            keys.checked = time
            return true
        }
        guard due else { return }
        var replacement: (Collections, String)?
        var failed = false
        do {
            let json = try source()
            if json != keys.withLockedValue({ $0.jwksJSON }) {
                replacement = (try await Self.build(configuration, jwksJSON: json), json)
            }
        } catch {
            failed = true
        }
        keys.withLockedValue { keys in
            keys.reloading = false
            if failed { keys.failed += 1 }
            if let (collections, json) = replacement {
                keys.collections = collections
                keys.jwksJSON = json
                keys.changed += 1
            }
        }
    }

    /// The principal of a valid token.
    public func verify(_ token: String) async throws(Rejection) -> Principal {
        let header = try Self.header(of: token)
        guard let alg = header["alg"] as? String else { throw .malformed }
        guard configuration.algorithms.contains(alg) else { throw .algorithm(alg) }
        // Extensions this server does not implement must not be ignored (RFC 7515 §4.1.11).
        guard header["crit"] == nil else { throw .malformed }
        let kid = header["kid"] as? String
        let known = { [keys] in keys.withLockedValue { $0.collections[alg] } }
        await refreshIfDue(unknownKid: kid.map { kid in known().map { !$0.kids.contains(kid) } ?? true } ?? false)
        guard let (keys, kids) = known() else { throw .algorithm(alg) }
        if let kid, !kids.contains(kid) { throw .signature }
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self, iteratingKeys: kid == nil)
        } catch let error as JWTError where error.errorType == .malformedToken || error.errorType == .claimVerificationFailure {
            throw .malformed
        } catch is DecodingError {
            throw .malformed
        } catch {
            throw .signature
        }
        let time = now().timeIntervalSince1970
        guard let exp = claims.exp else { throw .claims("exp is required") }
        guard time < exp + configuration.leeway else { throw .expired }
        if let nbf = claims.nbf, time + configuration.leeway < nbf { throw .notYetValid }
        if !configuration.issuer.isEmpty, claims.iss != configuration.issuer { throw .issuer }
        if !configuration.audience.isEmpty, claims.aud?.value.contains(configuration.audience) != true { throw .audience }
        return try claims.principal()
    }

    /// The decoded JOSE header.
    private static func header(of token: String) throws(Rejection) -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(parts[0]),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw .malformed }
        return object
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
