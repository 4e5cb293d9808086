import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// A server with `[auth]` on, its keys, and the credentials that must fail.
struct AuthFixture {
    let server: LiveServer
    let clock: TestClock
    let tokens: TestTokens
    let admin: String, writer: String, reader: String
    let adminID: String, writerID: String, readerID: String
    /// A handbook document the reader may see.
    let documentID: String
    /// Credentials that are not valid, by name: each must get a 401 on every endpoint.
    let invalid: [(name: String, headers: [(String, String)])]

    static func start(engine: QueryEngineConfiguration = QueryEngineConfiguration(),
                      auth edit: (inout AuthConfiguration) -> Void = { _ in }) async throws -> AuthFixture {
        let tokens = try await TestTokens.shared()
        let dir = TemporaryDirectory("server-auth")
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        try await ingestDocuments(["salaries.md": "# Salaries\n\nThe restricted salary table lists every engineer's pay band."],
                                  into: "handbook", store: store, embedder: embedder, dir: dir, level: .restricted)
        _ = try store.createNamespace("vecs", dimension: 3)
        try store.upsert([VectorRecord(id: "v1", vector: [1, 0, 0]), VectorRecord(id: "v2", vector: [0, 1, 0])], into: "vecs")
        let clock = TestClock()
        var auth = tokens.configuration()
        edit(&auth)
        let server = try await LiveServer.start(dir: dir, store: store, embedder: embedder, engine: engine, auth: auth, clock: clock)
        let keys = server.keys

        // Keys that stop working: past expiry, rotated past the grace period, revoked.
        let readerSpec = APIKey.Spec(name: "reader", role: .reader, namespaces: ["handbook"], clearance: .public)
        var expiring = readerSpec
        expiring.expiresAt = clock.now.addingTimeInterval(3600)
        let expired = try keys.create(expiring).secret
        let rotating = try keys.create(readerSpec)   // its first secret stops working 600 s after the rotation
        _ = try keys.rotate(rotating.key.id, grace: 600)
        let revoked = try keys.create(readerSpec)
        try keys.revoke(revoked.key.id)
        clock.advance(7200)

        let admin = try keys.create(APIKey.Spec(name: "admin", role: .admin, namespaces: nil, clearance: .restricted))
        let writer = try keys.create(APIKey.Spec(name: "writer", role: .writer, namespaces: ["handbook", "vecs"], clearance: .internal))
        let reader = try keys.create(readerSpec)
        let now = clock.now
        let adminClaims = TestTokens.claims(now: now) { $0.role = "admin"; $0.namespaces = ["*"] }
        let invalid: [(String, [(String, String)])] = [
            ("no credentials", []),
            ("not bearer", [("Authorization", "Basic YWRtaW46YWRtaW4=")]),
            ("garbage", bearer("not-a-key")),
            ("unknown key", bearer("rk_0123456789abcdef_" + String(repeating: "A", count: 43))),
            ("wrong secret", bearer("rk_\(admin.key.id)_" + String(repeating: "B", count: 43))),
            ("revoked key", bearer(revoked.secret)),
            ("expired key", bearer(expired)),
            ("rotated key after the grace", bearer(rotating.secret)),
            ("alg none", bearer(try TestTokens.unsigned(adminClaims))),
            ("wrong audience", bearer(try await tokens.sign(TestTokens.claims(now: now) { $0.aud = ["someone-else"]; $0.role = "admin" }, with: .hs256))),
            ("wrong issuer", bearer(try await tokens.sign(TestTokens.claims(now: now) { $0.iss = "https://evil.test"; $0.role = "admin" }, with: .rs256))),
            ("expired token", bearer(try await tokens.sign(TestTokens.claims(now: now) { $0.exp = now.timeIntervalSince1970 - 3600; $0.role = "admin" }, with: .es256, kid: "ec-1"))),
            ("token signed with another key", bearer(try await tokens.sign(adminClaims, with: .otherRS256))),
            ("HS256 signed with the RSA public key", bearer(try await tokens.sign(adminClaims, with: .hs256With(Array(tokens.rsaPublicPEM.utf8))))),
            ("token with an unknown kid", bearer(try await tokens.sign(adminClaims, with: .es256, kid: "nope"))),
        ]
        let documentID = try DocumentRepository(store: store).list(namespace: "handbook").first { $0.accessLevel == "public" }!.id
        return AuthFixture(server: server, clock: clock, tokens: tokens, admin: admin.secret, writer: writer.secret, reader: reader.secret,
                           adminID: admin.key.id, writerID: writer.key.id, readerID: reader.key.id, documentID: documentID,
                           invalid: invalid)
    }

    /// Every endpoint with a request that would succeed with the right credentials, and the least role it needs.
    var endpoints: [Endpoint] {
        let model = server.server.embedder.modelID
        return [
            Endpoint("POST", "/api/v1/search", ["query": "rotate keys", "namespace": "handbook"], .reader),
            Endpoint("POST", "/api/v1/query", ["query": "How often are keys rotated?", "namespace": "handbook"], .reader),
            Endpoint("POST", "/api/v1/feedback", ["query_id": "q_none", "rating": 1], .reader),
            Endpoint("GET", "/api/v1/namespaces", nil, .reader),
            Endpoint("GET", "/api/v1/namespaces/handbook", nil, .reader),
            Endpoint("POST", "/api/v1/namespaces/vecs/vectors/search", ["vector": [1, 0, 0]], .reader),
            Endpoint("GET", "/api/v1/namespaces/handbook/documents", nil, .reader),
            Endpoint("GET", "/api/v1/namespaces/handbook/documents/\(documentID)", nil, .reader),
            Endpoint("GET", "/v1/models", nil, .reader),
            Endpoint("POST", "/v1/embeddings", ["input": "hello", "model": model], .reader),
            Endpoint("POST", "/v1/chat/completions", ["model": "rag:handbook", "messages": [["role": "user", "content": "How often are keys rotated?"]]], .reader),
            Endpoint("POST", "/api/v1/namespaces/vecs/vectors", ["vectors": [["id": "v3", "vector": [0, 0, 1]]]], .writer),
            Endpoint("POST", "/api/v1/namespaces/handbook/documents", ["text": "# New\n\nA new page.", "title": "new"], .writer),
            Endpoint("DELETE", "/api/v1/namespaces/handbook/documents/\(documentID)", nil, .writer),
            Endpoint("POST", "/api/v1/ingest", ["namespace": "handbook", "paths": ["/tmp"]], .writer),
            Endpoint("GET", "/api/v1/jobs", nil, .writer),
            Endpoint("GET", "/api/v1/jobs/job_none", nil, .writer),
            Endpoint("POST", "/api/v1/namespaces", ["name": "fresh", "dimension": 3], .admin),
            Endpoint("DELETE", "/api/v1/namespaces/vecs", nil, .admin),
            Endpoint("GET", "/api/v1/keys", nil, .admin),
            Endpoint("POST", "/api/v1/keys", ["name": "new", "role": "reader", "namespaces": ["handbook"]], .admin),
            Endpoint("POST", "/api/v1/keys/\(readerID)/revoke", nil, .admin),
            Endpoint("POST", "/api/v1/keys/\(readerID)/rotate", ["grace": 60], .admin),
            Endpoint("GET", "/metrics", nil, .reader),
        ]
    }

    func send(_ endpoint: Endpoint, _ headers: [(String, String)]) async throws -> LiveServer.Reply {
        let body = try endpoint.body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await server.request(endpoint.method, endpoint.path, body: body,
                                        headers: (body == nil ? [] : [("Content-Type", "application/json")]) + headers)
    }
}

struct Endpoint: CustomStringConvertible {
    let method: String, path: String, body: Any?, role: Principal.Role
    init(_ method: String, _ path: String, _ body: Any?, _ role: Principal.Role) {
        self.method = method
        self.path = path
        self.body = body
        self.role = role
    }
    var description: String { "\(method) \(path)" }
}

/// `[auth]` on: 401 without valid credentials, 403 for a role too low, 404 outside the caller's scope, and
/// none of them changes anything.
@Suite struct AuthAPITests {
    /// A 401 with the bearer challenge (naming `invalid_token` unless no credentials were sent), as
    /// problem+json, or in OpenAI's error shape under `/v1/`.
    static func unauthorized(_ reply: LiveServer.Reply, path: String, named: String, noCredentials: Bool = false,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 401, "\(named): \(reply.text)", sourceLocation: sourceLocation)
        let challenge = reply.header("WWW-Authenticate") ?? ""
        #expect(challenge.hasPrefix("Bearer realm=\"ragctl\""), "\(named): \(challenge)", sourceLocation: sourceLocation)
        if noCredentials {
            #expect(challenge == "Bearer realm=\"ragctl\"", sourceLocation: sourceLocation)
        } else {
            #expect(challenge == "Bearer realm=\"ragctl\", error=\"invalid_token\"", "\(named)", sourceLocation: sourceLocation)
        }
        if path.hasPrefix("/v1/") {
            let error = reply.json["error"] as? [String: Any]
            #expect(error?["type"] as? String == "authentication_error", "\(named): \(reply.text)", sourceLocation: sourceLocation)
            #expect((error?["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        } else {
            ErrorAPITests.problem(reply, 401, sourceLocation: sourceLocation)
        }
    }

    @Test func everyEndpointRefusesInvalidCredentialsAndChangesNothing() async throws {
        let fixture = try await AuthFixture.start()
        let before = try storeSnapshot(fixture.server.store)
        var checked = 0
        for endpoint in fixture.endpoints {
            for (name, headers) in fixture.invalid {
                let reply = try await fixture.send(endpoint, headers)
                Self.unauthorized(reply, path: endpoint.path, named: "\(endpoint) with \(name)", noCredentials: name == "no credentials")
                checked += 1
            }
        }
        #expect(checked == fixture.endpoints.count * fixture.invalid.count)
        try await Task.sleep(for: .milliseconds(100))   // past the query log's batching interval
        #expect(try storeSnapshot(fixture.server.store) == before)
        // The details help a legitimate caller without telling an attacker which check failed.
        let keyDetails = Set(try await fixture.invalid.filter { ["unknown key", "wrong secret", "revoked key", "expired key", "rotated key after the grace"].contains($0.name) }.asyncMap {
            try await fixture.send(fixture.endpoints[0], $0.headers).json["detail"] as? String ?? ""
        })
        #expect(keyDetails.count == 1, "\(keyDetails)")
        let expired = try await fixture.send(fixture.endpoints[0], fixture.invalid.first { $0.name == "expired token" }!.headers)
        #expect((expired.json["detail"] as? String)?.contains("expired") == true)
        try await fixture.server.stop()
    }

    @Test func rolesTooLowGet403AndChangeNothing() async throws {
        let fixture = try await AuthFixture.start()
        let before = try storeSnapshot(fixture.server.store)
        let readerJWT = try await fixture.tokens.sign(TestTokens.claims(now: fixture.clock.now) { $0.namespaces = ["*"] }, with: .hs256)
        let writerJWT = try await fixture.tokens.sign(TestTokens.claims(now: fixture.clock.now) { $0.role = "writer"; $0.namespaces = ["*"] },
                                                      with: .rs256)
        for endpoint in fixture.endpoints where endpoint.role > .reader {
            for (name, credential) in [("reader key", fixture.reader), ("reader JWT", readerJWT)] {
                let reply = try await fixture.send(endpoint, bearer(credential))
                #expect(reply.status == 403, "\(endpoint) as \(name): \(reply.text)")
                #expect(reply.json["code"] as? String == "forbidden")
            }
        }
        for endpoint in fixture.endpoints where endpoint.role == .admin {
            for credential in [fixture.writer, writerJWT] {
                let reply = try await fixture.send(endpoint, bearer(credential))
                #expect(reply.status == 403, "\(endpoint) as a writer: \(reply.text)")
            }
        }
        #expect(try storeSnapshot(fixture.server.store) == before)
        try await fixture.server.stop()
    }

    @Test func scopeAndClearanceHideWhatIsOutside() async throws {
        let fixture = try await AuthFixture.start()
        let server = fixture.server
        let reader = bearer(fixture.reader)
        // Only its own namespace is listed; others look as missing as a namespace that does not exist.
        let listed = try await server.get("/api/v1/namespaces", headers: reader).json["namespaces"] as? [[String: Any]]
        #expect(listed?.compactMap { $0["name"] as? String } == ["handbook"])
        for path in ["/api/v1/namespaces/vecs", "/api/v1/namespaces/nope"] {
            ErrorAPITests.problem(try await server.get(path, headers: reader), 404, code: "namespace_not_found")
        }
        let outside = try await server.post("/api/v1/namespaces/vecs/vectors/search", ["vector": [1, 0, 0]], headers: reader)
        let missing = try await server.post("/api/v1/namespaces/nope/vectors/search", ["vector": [1, 0, 0]], headers: reader)
        #expect(outside.status == 404 && missing.status == 404)
        #expect(outside.json["detail"] as? String == "namespace \"vecs\" does not exist")
        let chat = try await server.post("/v1/chat/completions", ["model": "rag:vecs", "messages": [["role": "user", "content": "hi"]]], headers: reader)
        #expect(chat.status == 404)
        // A writer scoped to handbook and vecs cannot write elsewhere, and sees nothing above internal.
        let writer = bearer(fixture.writer)
        let search = try await server.post("/api/v1/search", ["query": "salary table pay band", "namespace": "handbook", "clearance": "restricted"],
                                           headers: writer)
        #expect(search.status == 200)
        let sources = (search.json["results"] as? [[String: Any]])?.compactMap { $0["source"] as? String } ?? []
        #expect(!sources.isEmpty && !sources.contains { $0.hasSuffix("salaries.md") })
        let restricted = try DocumentRepository(store: server.store).list(namespace: "handbook").first { $0.accessLevel == "restricted" }!
        ErrorAPITests.problem(try await server.get("/api/v1/namespaces/handbook/documents/\(restricted.id)", headers: writer), 404)
        ErrorAPITests.problem(try await server.delete("/api/v1/namespaces/handbook/documents/\(restricted.id)", headers: writer), 404)
        let admin = bearer(fixture.admin)
        #expect(try await server.get("/api/v1/namespaces/handbook/documents/\(restricted.id)", headers: admin).status == 200)
        // JWT claims scope the same way.
        let scoped = try await fixture.tokens.sign(TestTokens.claims(now: fixture.clock.now) { $0.namespaces = ["vecs"] }, with: .es256, kid: "ec-1")
        ErrorAPITests.problem(try await server.post("/api/v1/search", ["query": "keys", "namespace": "handbook"], headers: bearer(scoped)), 404)
        #expect(try await server.post("/api/v1/namespaces/vecs/vectors/search", ["vector": [1, 0, 0]], headers: bearer(scoped)).status == 200)
        try await server.stop()
    }

    @Test func validKeysAndTokensActAsTheirPrincipal() async throws {
        let fixture = try await AuthFixture.start()
        let server = fixture.server
        let now = fixture.clock.now
        let search: [String: Any] = ["query": "how often do I rotate API keys", "namespace": "handbook", "top_k": 1]
        for (name, credential) in [
            ("reader key", fixture.reader),
            ("HS256", try await fixture.tokens.sign(TestTokens.claims(now: now), with: .hs256)),
            ("RS256 without kid", try await fixture.tokens.sign(TestTokens.claims(now: now), with: .rs256)),
            ("ES256 from the JWKS", try await fixture.tokens.sign(TestTokens.claims(now: now), with: .es256, kid: "ec-1")),
            ("expired 10 s ago, within the leeway", try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.exp = now.timeIntervalSince1970 - 10 }, with: .hs256)),
            ("aud with two audiences", try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.aud = [TestTokens.audience, "other"] }, with: .hs256)),
        ] {
            let reply = try await server.post("/api/v1/search", search, headers: bearer(credential))
            #expect(reply.status == 200, "\(name): \(reply.text)")
        }
        // Invalid claims of a genuine token say what is wrong.
        for (edit, detail) in [
            ({ (c: inout TestClaims) in c.sub = nil }, "sub"),
            ({ (c: inout TestClaims) in c.role = "owner" }, "role"),
            ({ (c: inout TestClaims) in c.exp = nil }, "exp"),
            ({ (c: inout TestClaims) in c.nbf = now.timeIntervalSince1970 + 600 }, "not valid yet"),
        ] as [((inout TestClaims) -> Void, String)] {
            let token = try await fixture.tokens.sign(TestTokens.claims(now: now, edit), with: .hs256)
            let reply = try await server.post("/api/v1/search", search, headers: bearer(token))
            #expect(reply.status == 401)
            #expect((reply.json["detail"] as? String)?.contains(detail) == true, "\(reply.text)")
        }
        // The JWT subject is the query log's user and owns its feedback; another subject sees no such query.
        let alice = try await fixture.tokens.sign(TestTokens.claims(now: now), with: .hs256)
        let bob = try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.sub = "bob" }, with: .hs256)
        let answer = try await server.post("/api/v1/query", ["query": "How often should API keys be rotated?", "namespace": "handbook"],
                                           headers: bearer(alice))
        #expect(answer.status == 200, "\(answer.text)")
        let queryID = try #require(answer.json["query_id"] as? String)
        #expect(try await server.post("/api/v1/feedback", ["query_id": queryID, "rating": 1], headers: bearer(bob)).status == 404)
        #expect(try await server.post("/api/v1/feedback", ["query_id": queryID, "rating": 1], headers: bearer(alice)).status == 201)
        try server.server.engine.log.flush()
        #expect(try server.store.query("SELECT user_id FROM query_logs WHERE id = ?", [.text(queryID)]).first?[0].string == "user:alice")
        // An admin token may do admin work.
        let adminJWT = try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.role = "admin"; $0.namespaces = nil }, with: .rs256)
        #expect(try await server.post("/api/v1/namespaces", ["name": "fresh", "dimension": 3], headers: bearer(adminJWT)).status == 201)
        try await server.stop()
    }

    @Test func rotationKeepsTheOldSecretForTheGracePeriod() async throws {
        let fixture = try await AuthFixture.start()
        let server = fixture.server
        let rotated = try await server.post("/api/v1/keys/\(fixture.readerID)/rotate", ["grace": 600], headers: bearer(fixture.admin))
        #expect(rotated.status == 200, "\(rotated.text)")
        #expect(rotated.header("Cache-Control") == "no-store")
        let fresh = try #require(rotated.json["key"] as? String)
        #expect(fresh.hasPrefix("rk_\(fixture.readerID)_") && fresh != fixture.reader)
        #expect(rotated.json["previous_valid_until"] is String)
        for credential in [fixture.reader, fresh] {
            #expect(try await server.get("/api/v1/namespaces", headers: bearer(credential)).status == 200)
        }
        fixture.clock.advance(601)
        Self.unauthorized(try await server.get("/api/v1/namespaces", headers: bearer(fixture.reader)), path: "/api", named: "old secret")
        #expect(try await server.get("/api/v1/namespaces", headers: bearer(fresh)).status == 200)
        // Revoking stops both at once.
        let revoked = try await server.post("/api/v1/keys/\(fixture.readerID)/revoke", [String: Any](), headers: bearer(fixture.admin))
        #expect(revoked.json["state"] as? String == "revoked")
        Self.unauthorized(try await server.get("/api/v1/namespaces", headers: bearer(fresh)), path: "/api", named: "revoked")
        ErrorAPITests.problem(try await server.post("/api/v1/keys/\(fixture.readerID)/rotate", ["grace": 0], headers: bearer(fixture.admin)), 409)
        ErrorAPITests.problem(try await server.post("/api/v1/keys/0000000000000000/revoke", [String: Any](), headers: bearer(fixture.admin)), 404)
        try await server.stop()
    }

    @Test func adminManagesKeysOverHTTP() async throws {
        let fixture = try await AuthFixture.start()
        let server = fixture.server
        let admin = bearer(fixture.admin)
        let created = try await server.post("/api/v1/keys", ["name": "ci", "role": "writer", "namespaces": ["vecs"], "clearance": "internal",
                                                              "rpm": 50, "expires_at": "2099-01-01T00:00:00Z"], headers: admin)
        #expect(created.status == 201, "\(created.text)")
        let key = try #require(created.json["key"] as? String)
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["namespaces"] as? [String] == ["vecs"])
        #expect(try await server.post("/api/v1/namespaces/vecs/vectors", ["vectors": [["id": "v9", "vector": [1, 1, 0]]]], headers: bearer(key)).status == 200)
        let list = try await server.get("/api/v1/keys", headers: admin)
        let keys = try #require(list.json["keys"] as? [[String: Any]])
        #expect(keys.contains { $0["id"] as? String == id && $0["rpm"] as? Int == 50 && $0["state"] as? String == "active" })
        #expect(!list.text.contains(key) && !list.text.contains("hash") && !keys.contains { $0["key"] != nil })
        #expect(Set(keys.compactMap { $0["state"] as? String }) == ["active", "expired", "revoked"])
        ErrorAPITests.problem(try await server.post("/api/v1/keys", ["name": "x", "role": "reader"], headers: admin), 400, field: "namespaces")
        ErrorAPITests.problem(try await server.post("/api/v1/keys", ["name": "x", "role": "boss", "namespaces": ["*"]], headers: admin), 400, field: "role")
        ErrorAPITests.problem(try await server.post("/api/v1/keys", ["name": "x", "role": "reader", "namespaces": ["*", "a"]], headers: admin), 400)
        ErrorAPITests.problem(try await server.post("/api/v1/keys", ["name": "x", "role": "reader", "namespaces": ["a"], "expires_at": "2001-01-01"],
                                                    headers: admin), 400)
        try await server.stop()

        // With authentication off there is nothing to hash keys with: the routes say so.
        let open = try await LiveServer.start()
        ErrorAPITests.problem(try await open.get("/api/v1/keys"), 404, code: "auth_disabled")
        try await open.stop()
    }

    @Test func perKeyAndPerUserRateLimitsCoverSearch() async throws {
        var engine = QueryEngineConfiguration()
        engine.rateLimit.userRPM = 1000
        let fixture = try await AuthFixture.start(engine: engine)
        let server = fixture.server
        let limited = try server.keys.create(APIKey.Spec(name: "slow", role: .reader, namespaces: ["handbook"], clearance: .public,
                                                          requestsPerMinute: 2)).secret
        let body: [String: Any] = ["query": "keys", "namespace": "handbook"]
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(try await server.post("/api/v1/search", body, headers: bearer(limited)).status) }
        #expect(statuses == [200, 200, 429])
        let refused = try await server.post("/api/v1/query", ["query": "How often are keys rotated?", "namespace": "handbook"], headers: bearer(limited))
        ErrorAPITests.problem(refused, 429, code: "rate_limited")
        #expect(refused.header("Retry-After") != nil)
        // Another key is not affected; a token's rpm claim limits its subject across tokens.
        #expect(try await server.post("/api/v1/search", body, headers: bearer(fixture.reader)).status == 200)
        let now = fixture.clock.now
        let first = try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.sub = "carol"; $0.rpm = 1 }, with: .hs256)
        let second = try await fixture.tokens.sign(TestTokens.claims(now: now) { $0.sub = "carol"; $0.rpm = 1 }, with: .rs256)
        #expect(try await server.post("/api/v1/search", body, headers: bearer(first)).status == 200)
        #expect(try await server.post("/api/v1/namespaces/handbook/vectors/search", ["vector": Array(repeating: 0.1, count: 384)],
                                      headers: bearer(second)).status == 429)
        try await server.stop()
    }

    @Test func healthIsOpenAndMetricsAndOpenAPIAreConfigurable() async throws {
        let fixture = try await AuthFixture.start()
        for path in ["/healthz", "/readyz", "/openapi.json"] {
            #expect(try await fixture.server.get(path).status == 200, "\(path)")
        }
        let paths = try await fixture.server.get("/openapi.json").json["paths"] as? [String: Any] ?? [:]
        #expect(["/api/v1/keys", "/api/v1/keys/{id}/revoke", "/api/v1/keys/{id}/rotate"].allSatisfy { paths[$0] != nil })
        Self.unauthorized(try await fixture.server.get("/metrics"), path: "/metrics", named: "no credentials", noCredentials: true)
        #expect(try await fixture.server.get("/metrics", headers: bearer(fixture.reader)).status == 200)
        // Unknown paths need credentials too, so they reveal nothing about routes.
        Self.unauthorized(try await fixture.server.get("/api/v1/nothing"), path: "/api", named: "no credentials", noCredentials: true)
        try await fixture.server.stop()

        let flipped = try await AuthFixture.start { $0.openMetrics = true; $0.openOpenAPI = false }
        #expect(try await flipped.server.get("/metrics").status == 200)
        Self.unauthorized(try await flipped.server.get("/openapi.json"), path: "/openapi.json", named: "no credentials", noCredentials: true)
        try await flipped.server.stop()
    }

    @Test func algorithmAllowListAndKeylessServers() async throws {
        // Only RS256 accepted: a valid HS256 token is refused for its algorithm.
        let fixture = try await AuthFixture.start { $0.algorithms = ["RS256"] }
        let now = fixture.clock.now
        let hs = try await fixture.tokens.sign(TestTokens.claims(now: now), with: .hs256)
        let refused = try await fixture.server.get("/api/v1/namespaces", headers: bearer(hs))
        #expect(refused.status == 401)
        #expect((refused.json["detail"] as? String)?.contains("HS256") == true)
        let rs = try await fixture.tokens.sign(TestTokens.claims(now: now), with: .rs256)
        #expect(try await fixture.server.get("/api/v1/namespaces", headers: bearer(rs)).status == 200)
        try await fixture.server.stop()

        // No JWT keys at all: API keys only.
        let keysOnly = try await AuthFixture.start { $0 = AuthConfiguration() }
        let token = try await keysOnly.tokens.sign(TestTokens.claims(now: keysOnly.clock.now), with: .hs256)
        let reply = try await keysOnly.server.get("/api/v1/namespaces", headers: bearer(token))
        #expect(reply.status == 401)
        #expect((reply.json["detail"] as? String)?.contains("API keys only") == true)
        #expect(try await keysOnly.server.get("/api/v1/namespaces", headers: bearer(keysOnly.reader)).status == 200)
        try await keysOnly.server.stop()

        // A short HS256 secret or an unsupported algorithm is a configuration error, not a crash.
        var short = AuthConfiguration()
        short.hs256Secret = Array("short".utf8)
        await #expect(throws: AuthError.self) { _ = try await TokenVerifier.make(short) }
        var none = AuthConfiguration()
        none.algorithms = ["none"]
        await #expect(throws: AuthError.self) { _ = try await TokenVerifier.make(none) }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
