import Foundation
@testable import Server
import Testing
import TestSupport
import VectorStore

/// The key format, hashing and the store's key operations, without HTTP.
@Suite struct AuthKeyTests {
    @Test func keyFormatParsesOnlyWellFormedKeys() {
        let secret = APIKeyToken.make(id: "0123456789abcdef", secret: [UInt8](repeating: 7, count: 32))
        #expect(secret.count == 63 && APIKeyToken.id(of: secret) == "0123456789abcdef")
        for bad in ["", "rk_", "rk_0123456789abcdef", "rk_0123456789abcdef_", "rk_0123456789ABCDEF_abc", "rk_0123456789abcdeg_abc",
                    "rk_0123456789abcdef-abc", "rk_0123456789abcdef_a b", "rk_0123456789abcdef_" + String(repeating: "a", count: 200),
                    "xk_0123456789abcdef_abc", "rk_0123456789abcdef_é"] {
            #expect(APIKeyToken.id(of: bad) == nil, "\(bad)")
        }
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]) && !constantTimeEqual([1, 2, 3], [1, 2, 4]) && !constantTimeEqual([1], [1, 2]))
    }

    @Test func durationsAndExpiries() throws {
        #expect(try APIKey.parseDuration("90s", field: "g") == 90)
        #expect(try APIKey.parseDuration("30m", field: "g") == 1800)
        #expect(try APIKey.parseDuration("24h", field: "g") == 86_400)
        #expect(try APIKey.parseDuration("7d", field: "g") == 604_800)
        #expect(try APIKey.parseDuration("3600", field: "g") == 3600)
        for bad in ["", "h", "-5", "1w", "soon", "nan"] {
            #expect(throws: AuthError.self) { try APIKey.parseDuration(bad, field: "g") }
        }
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        #expect(try APIKey.parseExpiry("2030-03-01", now: now) == ISO8601DateFormatter().date(from: "2030-03-01T00:00:00Z"))
        #expect(try APIKey.parseExpiry("2030-03-01T12:00:00+02:00", now: now) == ISO8601DateFormatter().date(from: "2030-03-01T10:00:00Z"))
        #expect(try APIKey.parseExpiry("90d", now: now) == now.addingTimeInterval(90 * 86_400))
        #expect(throws: AuthError.self) { try APIKey.parseExpiry("3600", now: now) }   // bare numbers are ambiguous
        #expect(throws: AuthError.self) { try APIKey.parseExpiry("next week", now: now) }
        #expect(try APIKey.parseNamespaces(["*"]) == nil)
        #expect(try APIKey.parseNamespaces([" a", "b "]) == ["a", "b"])
        #expect(throws: AuthError.self) { try APIKey.parseNamespaces([]) }
        #expect(throws: AuthError.self) { try APIKey.parseNamespaces(["*", "a"]) }
    }

    @Test func storedKeysAreHashesThatNeedThePepper() throws {
        let dir = TemporaryDirectory("auth-keys")
        let store = try openServerStore(dir)
        let clock = TestClock()
        let pepper = try APIKeyPepper.loadOrCreate(file: dir.file("pepper"))
        let keys = APIKeyStore(store: store, pepper: pepper, now: clock.function)
        let (key, secret) = try keys.create(APIKey.Spec(name: "k", role: .writer, namespaces: ["a"], clearance: .internal, requestsPerMinute: 5))
        // The database holds neither the key nor its secret part.
        var raw = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.file("data")) {
            raw += (FileManager.default.contents(atPath: dir.file("data/\(file)")) ?? Data())
        }
        #expect(raw.count > 0 && raw.range(of: Data(secret.dropFirst(20).utf8)) == nil)
        #expect(raw.range(of: Data(key.id.utf8)) != nil)
        #expect(try keys.authenticate(secret) == .success(key))
        #expect(key.principal == Principal(id: "key:\(key.id)", role: .writer, namespaces: ["a"], clearance: .internal, requestsPerMinute: 5))
        // The same file with another pepper accepts nothing; the pepper file persists and is private.
        let other = APIKeyStore(store: store, pepper: try APIKeyPepper(bytes: [UInt8](repeating: 1, count: 32)), now: clock.function)
        #expect(try other.authenticate(secret) == .failure(.wrongSecret))
        let again = APIKeyStore(store: store, pepper: try APIKeyPepper.loadOrCreate(file: dir.file("pepper")), now: clock.function)
        #expect(try again.authenticate(secret) == .success(key))
        #expect(try FileManager.default.attributesOfItem(atPath: dir.file("pepper"))[.posixPermissions] as? Int == 0o600)
        chmod(dir.file("pepper"), 0o644)
        #expect(throws: AuthError.self) { try APIKeyPepper.loadOrCreate(file: dir.file("pepper")) }
        #expect(throws: AuthError.self) { try APIKeyPepper(bytes: [1, 2, 3]) }

        // Rotation: both secrets within the grace, then only the new one; a second rotation ends the first grace.
        let (_, second) = try keys.rotate(key.id, grace: 60)
        #expect(try keys.authenticate(secret).isSuccess && keys.authenticate(second).isSuccess)
        clock.advance(61)
        #expect(try keys.authenticate(secret) == .failure(.rotatedOut))
        let (_, third) = try keys.rotate(key.id, grace: 60)
        #expect(try keys.authenticate(second).isSuccess && keys.authenticate(third).isSuccess && !keys.authenticate(secret).isSuccess)
        _ = try keys.rotate(key.id, grace: 0)
        #expect(try keys.authenticate(third) == .failure(.rotatedOut))
        // Admin keys always cover every namespace; bad specs are refused before anything is written.
        let admin = try keys.create(APIKey.Spec(name: "a", role: .admin, namespaces: ["x"], clearance: .restricted)).key
        #expect(admin.namespaces == nil && admin.principal.namespaces == nil)
        for spec in [APIKey.Spec(name: "", role: .reader, namespaces: ["a"], clearance: .public),
                     APIKey.Spec(name: "two\nlines", role: .reader, namespaces: ["a"], clearance: .public),
                     APIKey.Spec(name: "n", role: .reader, namespaces: [], clearance: .public),
                     APIKey.Spec(name: "n", role: .reader, namespaces: ["a"], clearance: .public, requestsPerMinute: -1),
                     APIKey.Spec(name: "n", role: .reader, namespaces: ["a"], clearance: .public, expiresAt: clock.now)] {
            #expect(throws: AuthError.self) { try keys.create(spec) }
        }
        #expect(try keys.list().count == 2)
        #expect(throws: AuthError.self) { try keys.revoke("ffffffffffffffff") }
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
