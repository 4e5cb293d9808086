import CryptoExtras
import Foundation
import JWTKit
import Server
import TestSupport
import VectorStore

/// A wall clock tests move by hand (key expiry, grace periods, token `exp`), so no test sleeps.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_900_000_000)

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    var function: @Sendable () -> Date { { [self] in now } }
}

/// The claims test tokens carry; any may be left out to test its absence.
struct TestClaims: JWTPayload {
    var sub: String? = "alice"
    var iss: String? = TestTokens.issuer
    var aud: [String]? = [TestTokens.audience]
    var exp: Double?
    var nbf: Double?
    var role: String? = "reader"
    var namespaces: [String]? = ["handbook"]
    var clearance: String? = "public"
    var rpm: Int?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Keys and tokens: the server's (HS256 secret, an RSA and a P-256 key) and an attacker's.
final class TestTokens: Sendable {
    static let issuer = "https://issuer.test"
    static let audience = "ragctl-test"
    static let hs256Secret = Array("test-secret-that-is-at-least-32-bytes-long!".utf8)

    let rsa: JWTKit.Insecure.RSA.PrivateKey
    let rsaPublicPEM: String
    let ec: ES256PrivateKey
    let otherRSA: JWTKit.Insecure.RSA.PrivateKey

    init() throws {
        let rsaBacking = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        rsa = try JWTKit.Insecure.RSA.PrivateKey(backing: rsaBacking)
        rsaPublicPEM = rsaBacking.publicKey.pemRepresentation
        ec = ES256PrivateKey()
        otherRSA = try JWTKit.Insecure.RSA.PrivateKey(backing: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// One set per test process. RSA generation takes a while, so it runs off the cooperative pool (whose two
    /// threads every test shares) and concurrent callers wait there too.
    static func shared() async throws -> TestTokens {
        try await offPool {
            try cacheLock.withLock {
                if let cached = cache.value { return cached }
                let tokens = try TestTokens()
                cache.value = tokens
                return tokens
            }
        }
    }
    private static let cacheLock = NSLock()
    private static let cache = UncheckedCache()
    private final class UncheckedCache: @unchecked Sendable { var value: TestTokens? }

    /// The `[auth]` settings of a server that trusts these keys (RS256 as a PEM file, ES256 as a JWKS entry).
    func configuration() -> AuthConfiguration {
        var auth = AuthConfiguration()
        auth.issuer = Self.issuer
        auth.audience = Self.audience
        auth.hs256Secret = Self.hs256Secret
        auth.publicKeyPEMs = [rsaPublicPEM]
        let parameters = ec.publicKey.parameters!
        auth.jwksJSON = """
            {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "x": "\(parameters.x)", "y": "\(parameters.y)"}]}
            """
        return auth
    }

    enum Signer { case hs256, rs256, es256, otherRS256, hs256With([UInt8]) }

    func sign(_ claims: TestClaims, with signer: Signer, kid: String? = nil) async throws -> String {
        let keys = JWTKeyCollection()
        switch signer {
        case .hs256: await keys.add(hmac: HMACKey(from: Self.hs256Secret), digestAlgorithm: .sha256)
        case .hs256With(let secret): await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        case .rs256: await keys.add(rsa: rsa, digestAlgorithm: .sha256)
        case .otherRS256: await keys.add(rsa: otherRSA, digestAlgorithm: .sha256)
        case .es256: await keys.add(ecdsa: ec)
        }
        var header = JWTHeader()
        if let kid { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    /// Claims valid for an hour from `now`.
    static func claims(now: Date, _ edit: (inout TestClaims) -> Void = { _ in }) -> TestClaims {
        var claims = TestClaims()
        claims.exp = now.timeIntervalSince1970 + 3600
        edit(&claims)
        return claims
    }

    /// An unsigned token (`alg: none`) with these claims.
    static func unsigned(_ claims: TestClaims) throws -> String {
        let header = APIKeyTestToken.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = APIKeyTestToken.base64URL(try JSONEncoder().encode(claims))
        return "\(header).\(payload)."
    }
}

enum APIKeyTestToken {
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

func bearer(_ credential: String) -> [(String, String)] { [("Authorization", "Bearer \(credential)")] }

/// Everything a request could change, as comparable rows: namespaces and their sizes, documents, chunks,
/// jobs, the query log, feedback and the key table (hashes included).
func storeSnapshot(_ store: VectorStore) throws -> [String] {
    var rows = store.listNamespaces().map { "ns \($0.name) \($0.count) \($0.generation)" }
    for table in ["documents", "chunks", "jobs", "query_logs", "feedback"] {
        rows.append("\(table) \(try store.query("SELECT count(*) FROM \(table)").first?[0].int ?? -1)")
    }
    rows += try store.query("SELECT id, hex(secret_hash), revoked_at, rotated_at FROM api_keys ORDER BY id").map { row in
        "key " + row.map { "\($0)" }.joined(separator: " ")
    }
    return rows
}
