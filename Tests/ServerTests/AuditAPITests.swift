import Foundation
import Ingest
import Server
import Testing
import TestSupport
import VectorStore

/// The audit log as the live server writes it: one entry per API request with the route, status, request id
/// and the documents shown; named admin actions; `GET /api/v1/audit`; never any query text.
@Suite struct AuditAPITests {
    /// Every audit entry, oldest first, read through the API.
    static func entries(_ server: LiveServer, _ query: String = "limit=1000") async throws -> [[String: Any]] {
        let reply = try await server.get("/api/v1/audit?" + query)
        #expect(reply.status == 200, "\(reply.text)")
        return ((reply.json["entries"] as? [[String: Any]]) ?? []).reversed()
    }

    static func entry(_ entries: [[String: Any]], requestID: String) throws -> [String: Any] {
        try #require(entries.first { $0["request_id"] as? String == requestID }, "no entry for \(requestID)")
    }

    @Test func searchAndQueryRecordTheDocumentsShownButNoText() async throws {
        let server = try await QueryAPITests.handbookServer()
        let question = "how often do I rotate API keys"
        let search = try await server.post("/api/v1/search", ["query": question, "namespace": "handbook", "top_k": 3],
                                           headers: [("X-Request-ID", "audit-search-1")])
        #expect(search.status == 200)
        let hits = try #require(search.json["results"] as? [[String: Any]])
        var shown: [String] = []
        for hit in hits { if let id = hit["document_id"] as? String, !shown.contains(id) { shown.append(id) } }

        let query = try await server.post("/api/v1/query", ["query": "Where should backups of jane@example.com go?", "namespace": "handbook"],
                                          headers: [("X-Request-ID", "audit-query-1")])
        #expect(query.status == 200)
        let sources = (query.json["sources"] as? [[String: Any]] ?? []).compactMap { $0["document_id"] as? String }
        let stream = try await server.events("/api/v1/query", ["query": "deploy behind a proxy", "namespace": "handbook", "stream": true])
        #expect(stream.status == 200)

        let entries = try await Self.entries(server)
        let searched = try Self.entry(entries, requestID: "audit-search-1")
        #expect(searched["action"] as? String == "POST /api/v1/search")
        #expect(searched["namespace"] as? String == "handbook")
        #expect(searched["status"] as? Int == 200)
        #expect(searched["principal"] as? String == "local")
        #expect(searched["shown_document_ids"] as? [String] == shown)
        let answered = try Self.entry(entries, requestID: "audit-query-1")
        #expect(answered["shown_document_ids"] as? [String] == Array(NSOrderedSet(array: sources)) as? [String])
        #expect(answered["resource_ids"] as? [String] == [query.json["query_id"] as? String ?? "?"])
        let streamed = try #require(entries.last { $0["action"] as? String == "POST /api/v1/query" && $0["request_id"] as? String != "audit-query-1" })
        #expect((streamed["shown_document_ids"] as? [String])?.isEmpty == false)

        // No query text, no e-mail address, no chunk text anywhere in the table.
        let dump = try server.store.query("SELECT * FROM audit_log").map { row in row.map { "\($0)" }.joined(separator: "|") }.joined(separator: "\n")
        for needle in ["rotate", "jane@example.com", "backups", "proxy", "ninety days"] {
            #expect(!dump.contains(needle), "the audit table holds \"\(needle)\"")
        }
        #expect(try server.server.audit.verify().ok)
        try await server.stop()
    }

    @Test func adminActionsAreNamedAndFailuresRecorded() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.post("/api/v1/namespaces", ["name": "raw", "dimension": 3]).status == 201)
        #expect(try await server.post("/api/v1/namespaces", ["name": "raw", "dimension": 3]).status == 409)
        let vectors: [[String: Any]] = [["id": "v1", "document_id": "d1", "vector": [1, 0, 0]], ["id": "v2", "vector": [0, 1, 0]]]
        #expect(try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": vectors]).status == 200)
        #expect(try await server.post("/api/v1/namespaces/raw/vectors/search", ["vector": [1, 0.5, 0], "top_k": 2]).status == 200)
        #expect(try await server.get("/api/v1/namespaces/raw/documents/jane.doe@example.com").status == 404)
        #expect(try await server.get("/nowhere/jane.doe@example.com").status == 404)
        #expect(try await server.request("PATCH", "/api/v1/namespaces").status == 405)
        #expect(try await server.get("/healthz").status == 200)
        #expect(try await server.get("/metrics").status == 200)
        #expect(try await server.delete("/api/v1/namespaces/raw").status == 204)

        let entries = try await Self.entries(server)
        let actions = entries.map { "\($0["action"] as? String ?? "") \($0["status"] as? Int ?? 0)" }
        #expect(actions == [
            "namespace.create 201", "namespace.create 409", "vectors.upsert 200", "POST /api/v1/namespaces/{ns}/vectors/search 200",
            "GET /api/v1/namespaces/{ns}/documents/{id} 404", "GET unmatched 404", "PATCH unmatched 405", "namespace.delete 204",
        ])
        #expect(entries[0]["namespace"] as? String == "raw")
        #expect(entries[3]["shown_document_ids"] as? [String] == ["d1", "v2"])
        #expect(entries[4]["resource_ids"] as? [String] == ["[EMAIL]"])
        #expect(Set(entries.compactMap { $0["request_id"] as? String }).count == entries.count)
        // Reading the log is itself recorded.
        let again = try await Self.entries(server, "limit=1")
        #expect(again.first?["action"] as? String == "audit.read")
        try await server.stop()
    }

    @Test func documentsCreatedListedAndDeletedNameTheirIDs() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.post("/api/v1/namespaces", ["name": "docs"]).status == 201)
        let created = try await server.post("/api/v1/namespaces/docs/documents", ["text": "# Keys\n\nRotate keys yearly.", "source": "keys.md"])
        #expect(created.status == 201)
        let id = try #require((created.json["documents"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try await server.get("/api/v1/namespaces/docs/documents").status == 200)
        #expect(try await server.get("/api/v1/namespaces/docs/documents/\(id)").status == 200)
        #expect(try await server.delete("/api/v1/namespaces/docs/documents/\(id)").status == 204)
        let entries = try await Self.entries(server)
        let byAction = Dictionary(entries.map { ($0["action"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byAction["document.create"]?["resource_ids"] as? [String] == [id])
        #expect(byAction["GET /api/v1/namespaces/{ns}/documents"]?["shown_document_ids"] as? [String] == [id])
        #expect(byAction["GET /api/v1/namespaces/{ns}/documents/{id}"]?["shown_document_ids"] as? [String] == [id])
        #expect(byAction["document.delete"]?["resource_ids"] as? [String] == [id])
        #expect(byAction["document.delete"]?["namespace"] as? String == "docs")
        try await server.stop()
    }

    @Test func theEndpointFiltersAndPages() async throws {
        let server = try await LiveServer.start()
        for _ in 0..<5 { #expect(try await server.get("/api/v1/namespaces").status == 200) }
        let page = try await server.get("/api/v1/audit?limit=2&action=GET%20/api/v1/namespaces")
        #expect(page.status == 200)
        let first = try #require(page.json["entries"] as? [[String: Any]])
        #expect(first.count == 2)
        let next = try #require(page.json["next_before_id"] as? Int)
        let rest = try await server.get("/api/v1/audit?limit=10&action=GET%20/api/v1/namespaces&before_id=\(next)")
        let older = try #require(rest.json["entries"] as? [[String: Any]])
        #expect(older.count == 3)
        #expect(rest.json["next_before_id"] is NSNull)
        #expect(try await server.get("/api/v1/audit?principal=nobody").json["entries"] as? [Any] != nil)
        #expect((try await server.get("/api/v1/audit?principal=nobody").json["entries"] as? [Any])?.isEmpty == true)
        #expect((try await server.get("/api/v1/audit?since=2999-01-01T00:00:00Z").json["entries"] as? [Any])?.isEmpty == true)
        #expect((try await server.get("/api/v1/audit?since=0&limit=1").json["entries"] as? [Any])?.count == 1)
        ErrorAPITests.problem(try await server.get("/api/v1/audit?since=yesterday"), 400, field: "since")
        ErrorAPITests.problem(try await server.get("/api/v1/audit?limit=0"), 400, field: "limit")
        ErrorAPITests.problem(try await server.get("/api/v1/audit?before_id=x"), 400, field: "before_id")
        try await server.stop()
    }

    @Test func bufferedEntriesAreWrittenAtShutdown() async throws {
        let dir = TemporaryDirectory("audit-shutdown")
        let server = try await LiveServer.start(dir: dir) { $0.audit.flushInterval = 600 }
        for i in 0..<20 {
            #expect(try await server.get("/api/v1/namespaces", headers: [("X-Request-ID", "shutdown-\(i)")]).status == 200)
        }
        #expect(server.server.audit.pending == 20)
        try await server.stop()
        let reopened = AuditLog(store: try openServerStore(dir))
        let result = try reopened.verify()
        #expect(result.ok && result.entries == 20)
        #expect(try reopened.list(.init(limit: 1)).first?.requestID == "shutdown-19")
    }

    @Test func withAuthenticationEntriesNameTheKeyAndRefusalsAreAnonymous() async throws {
        let server = try await LiveServer.start(auth: AuthConfiguration())
        let admin = try server.keys.create(APIKey.Spec(name: "admin", role: .admin, namespaces: nil, clearance: .restricted))
        let bearer = [("Authorization", "Bearer \(admin.secret)")]
        #expect(try await server.get("/api/v1/namespaces", headers: [("X-Request-ID", "no-credentials")]).status == 401)
        let created = try await server.post("/api/v1/keys", ["name": "ci", "role": "reader", "namespaces": ["*"]], headers: bearer)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        #expect(try await server.request("POST", "/api/v1/keys/\(id)/revoke", headers: bearer).status == 200)
        #expect(try await server.get("/api/v1/audit", headers: bearer).status == 200)

        let entries = try server.server.audit.list(.init(limit: 10)).reversed().map { ($0.principal, $0.action, $0.status, $0.resourceIDs) }
        let principal = "key:\(admin.key.id)"   // an API key principal
        #expect(entries.map(\.0) == ["anonymous", principal, principal, principal])
        #expect(entries.map(\.1) == ["GET /api/v1/namespaces", "keys.create", "keys.revoke", "audit.read"])
        #expect(entries.map(\.2) == [401, 201, 200, 200])
        #expect(entries[1].3 == [id])
        #expect(entries[2].3 == [id])
        try await server.stop()
    }

    @Test func auditingCanBeTurnedOff() async throws {
        let server = try await LiveServer.start { $0.audit.enabled = false }
        #expect(try await server.get("/api/v1/namespaces").status == 200)
        let reply = try await server.get("/api/v1/audit")
        #expect((reply.json["entries"] as? [Any])?.isEmpty == true)
        try await server.stop()
    }
}

/// `ragctl serve` as a process with `[audit]` and `[retention]` from its config file, read back by `ragctl audit`.
@Suite struct AuditServeTests {
    @Test func serveAuditsAndPrunesByItsConfigAndTheCLIReadsIt() async throws {
        let dir = TemporaryDirectory("audit-serve")
        let data = dir.file("data")
        do {
            // Three entries from long ago, for the retention pass at start.
            let audit = AuditLog(store: try openServerStore(dir))
            for i in 0..<3 {
                try audit.record(AuditEntry(time: Date().addingTimeInterval(-Double(100 + i) * 86_400), principal: "local",
                                            action: "GET /api/v1/namespaces", status: 200, requestID: "old-\(i)"))
            }
        }
        // The scripted embedding server instead of the native model: a light process (tests run side by side).
        let upstream = try ScriptedUpstream.start(dimension: 8)
        let config = dir.file("config.toml")
        try """
            [embedder]
            kind = "http"
            base_url = "\(upstream.baseURL)"
            model = "scripted-embed"

            [audit]
            flush_interval = 0

            [retention]
            audit_days = 30
            interval = 3600
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let (port, process) = try await offPool { try Self.serve(dataDir: data, config: config, logDir: dir.path) }
        let client = LiveServerClient(port: port)
        #expect(try await client.get("/api/v1/namespaces").status == 200)
        try await offPool {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        #expect(process.terminationStatus == 0)

        let verify = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", data])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.json?["ok"] as? Bool == true)
        #expect((verify.json?["anchor"] as? [String: Any])?["last_id"] as? Int == 3)
        let list = try await Ragctl.run(["--data-dir", data, "audit", "--json"])
        let actions = (list.json?["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        // The pass at start and the request race; both are there.
        #expect(actions.sorted() == ["GET /api/v1/namespaces", AuditLog.pruneAction])
    }

    /// `ragctl serve --port 0 --config FILE`; returns the port from its "listening on" line.
    static func serve(dataDir: String, config: String, logDir: String) throws -> (Int, Process) {
        let (port, process, _) = try ServeProcess.start(["serve", "--port", "0", "--data-dir", dataDir, "--config", config], logDir: logDir)
        return (port, process)
    }
}
