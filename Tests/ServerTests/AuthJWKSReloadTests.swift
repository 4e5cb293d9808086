import Foundation
import JWTKit
import Server
import Testing

/// An identity provider rotating its signing key reaches a running server through `jwks_reload`: new `kid`s
/// are picked up when a token names one (at most every `jwksMinReload` s), retired keys at the next periodic
/// read, and a broken file keeps the keys in use.
@Suite struct AuthJWKSReloadTests {
    /// The JWKS file as the server would re-read it, counting the reads.
    final class JWKSFile: @unchecked Sendable {
        private let lock = NSLock()
        private var text: String
        private var readCount = 0
        init(_ text: String) { self.text = text }
        func write(_ text: String) { lock.withLock { self.text = text } }
        func read() throws -> String {
            try lock.withLock {
                readCount += 1
                if text == "unreadable" { throw CocoaError(.fileReadNoPermission) }
                return text
            }
        }
        var reads: Int { lock.withLock { readCount } }
    }

    static func jwks(_ keys: [(kid: String, key: ES256PrivateKey)]) -> String {
        let entries = keys.map { kid, key in
            let parameters = key.publicKey.parameters!
            return #"{"kty": "EC", "crv": "P-256", "kid": "\#(kid)", "use": "sig", "x": "\#(parameters.x)", "y": "\#(parameters.y)"}"#
        }
        return #"{"keys": [\#(entries.joined(separator: ", "))]}"#
    }

    static func sign(_ claims: TestClaims, with key: ES256PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        var header = JWTHeader()
        header.kid = kid
        return try await keys.sign(claims, header: header)
    }

    @Test func rotatedKeysReachARunningVerifier() async throws {
        let tokens = try await TestTokens.shared()
        let clock = TestClock()
        let old = tokens.ec, new = ES256PrivateKey()
        let file = JWKSFile(Self.jwks([("ec-1", old)]))
        var auth = tokens.configuration()
        auth.jwksJSON = try file.read()
        auth.jwksSource = { try file.read() }
        auth.jwksReloadInterval = 300
        let verifier = try #require(try await TokenVerifier.make(auth, now: clock.function))
        let readsAtStart = file.reads

        func verdict(_ key: ES256PrivateKey, _ kid: String) async throws -> String {
            let token = try await Self.sign(TestTokens.claims(now: clock.now), with: key, kid: kid)
            do {
                _ = try await verifier.verify(token)
                return "ok"
            } catch {
                return error.rejectionReason
            }
        }

        #expect(try await verdict(old, "ec-1") == "ok")
        // The provider adds its next key. Within the minimum interval an unknown kid does not re-read the file,
        // however many such tokens arrive.
        file.write(Self.jwks([("ec-1", old), ("ec-2", new)]))
        for _ in 0..<5 { #expect(try await verdict(new, "ec-2") == "signature") }
        #expect(file.reads == readsAtStart)
        // After it, the unknown kid re-reads the set once and the new key verifies.
        clock.advance(11)
        #expect(try await verdict(new, "ec-2") == "ok")
        #expect(file.reads == readsAtStart + 1)
        #expect(verifier.jwksReloads.changed == 1)
        #expect(try await verdict(old, "ec-1") == "ok")
        // The old key is retired: still trusted until the periodic re-read, refused after it.
        file.write(Self.jwks([("ec-2", new)]))
        clock.advance(100)
        #expect(try await verdict(old, "ec-1") == "ok")
        clock.advance(200)
        #expect(try await verdict(old, "ec-1") == "signature")
        #expect(verifier.jwksReloads.changed == 2)
        // A broken or unreadable file keeps the keys in use.
        for broken in ["{not json", "unreadable"] {
            file.write(broken)
            clock.advance(301)
            #expect(try await verdict(new, "ec-2") == "ok")
        }
        #expect(verifier.jwksReloads.failed == 2)
        #expect(verifier.jwksReloads.changed == 2)
        // Other key kinds are untouched by JWKS reloads.
        let hs256 = try await tokens.sign(TestTokens.claims(now: clock.now), with: .hs256)
        #expect(try await verifier.verify(hs256).id == "user:alice")
    }

    @Test func aServerWithOnlyAJWKSFileStartsWithAnEmptySet() async throws {
        // An empty set at start is not "no JWT configured": the provider's first key may arrive later.
        let clock = TestClock()
        let key = ES256PrivateKey()
        let file = JWKSFile(#"{"keys": []}"#)
        var auth = AuthConfiguration()
        auth.issuer = TestTokens.issuer
        auth.audience = TestTokens.audience
        auth.jwksJSON = try file.read()
        auth.jwksSource = { try file.read() }
        let verifier = try #require(try await TokenVerifier.make(auth, now: clock.function))
        let token = try await Self.sign(TestTokens.claims(now: clock.now), with: key, kid: "first")
        await #expect(throws: TokenVerifier.Rejection.self) { try await verifier.verify(token) }
        file.write(Self.jwks([("first", key)]))
        clock.advance(11)
        #expect(try await verifier.verify(token).id == "user:alice")
        // Without a source, an empty configuration still means JWTs are off.
        #expect(try await TokenVerifier.make(AuthConfiguration()) == nil)
    }
}

extension Error {
    /// `TokenVerifier.Rejection.reason`, or the type's name for anything else.
    var rejectionReason: String { (self as? TokenVerifier.Rejection)?.reason ?? "\(type(of: self))" }
}
