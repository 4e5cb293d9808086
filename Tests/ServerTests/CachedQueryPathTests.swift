import Foundation
import Ingest
import Retrieval
@testable import Server
import Testing
import TestSupport
import VectorStore

/// `CachedQueryHandler` answers repeated questions on the event loop. Its responses must be the full path's:
/// the same body and headers, the same audit entry, query-log row, metrics and limits, in request order, and
/// every request it cannot answer whole (a miss, a refusal, a body in pieces, `Connection: close`) must reach
/// the router untouched.
@Suite struct CachedQueryPathTests {
    static var question: [String: Any] { ["query": "How often should API keys be rotated?", "namespace": "handbook"] }

    /// A server over the handbook whose LLM (scripted) answers every question once, so the second ask is an
    /// exact-cache hit.
    static func start(answers: Int = 4, engine: (inout QueryEngineConfiguration) -> Void = { _ in },
                      configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> (LiveServer, ScriptedUpstream) {
        let upstream = try ScriptedUpstream.start()
        try upstream.script(path: "/v1/chat/completions",
                            actions: (0..<answers).map { ["content": "Rotate keys every 90 days [\($0 % 2 + 1)]."] })
        var configuration = scriptedLLM(upstream)
        engine(&configuration)
        return (try await LiveServer.overHandbook("cached-query-path", engine: configuration, configure: configure), upstream)
    }

    static func eventLoopResponses(_ server: LiveServer) -> Int { server.server.eventLoopResponses.load(ordering: .relaxed) }

    @Test func aHitIsAnsweredOnTheEventLoopWithEverythingTheFullPathRecords() async throws {
        let (server, upstream) = try await Self.start()
        defer { withExtendedLifetime(upstream) {} }   // the scripted LLM stops when released
        let miss = try await server.post("/api/v1/query", Self.question, headers: [("X-Request-ID", "full-path-1")])
        #expect(miss.status == 200, "\(miss.text)")
        #expect(miss.json["cached"] as? Bool == false)
        #expect(Self.eventLoopResponses(server) == 0)

        let hit = try await server.post("/api/v1/query", Self.question, headers: [("X-Request-ID", "event-loop-1")])
        #expect(Self.eventLoopResponses(server) == 1)
        #expect(hit.status == 200)
        #expect(hit.json["cached"] as? Bool == true)
        #expect(hit.json["cache_layer"] as? String == "exact")
        #expect(hit.json["path"] as? String == "cache:exact")
        #expect(hit.json["answer"] as? String == miss.json["answer"] as? String)
        #expect(JSONText.bytes(hit.json["sources"] as Any) == JSONText.bytes(miss.json["sources"] as Any))
        // Hummingbird's headers: type, length, request id, date, server.
        #expect(hit.header("Content-Type") == "application/json")
        #expect(hit.header("Content-Length") == String(hit.body.count))
        #expect(hit.header("X-Request-ID") == "event-loop-1")
        #expect(hit.header("Server") == "ragctl")
        let date = try #require(hit.header("Date"))
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "GMT")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let sent = try #require(parser.date(from: date), "Date: \(date)")
        #expect(abs(sent.timeIntervalSinceNow) < 60)
        #expect(HTTPDate.format(1_795_910_400) == "Sun, 29 Nov 2026 00:00:00 GMT")
        #expect(HTTPDate.format(1_000_000_000) == "Sun, 09 Sep 2001 01:46:40 GMT")

        // The full path, for a hit, gives the same body but for the query id and latency.
        let engineAnswer = try await server.server.engine.answer(QueryRequest(query: "How often should API keys be rotated?", namespace: "handbook"))
        #expect(engineAnswer.cached)
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(JSONWire.answerBody(engineAnswer).readableBytesView)) as? [String: Any])
        var received = hit.json
        for key in ["query_id", "latency_ms"] {
            expected[key] = nil
            received[key] = nil
        }
        #expect(JSONText.bytes(received) == JSONText.bytes(expected))

        // The query log has the row, the audit log the entry, the metrics the request and the cache hit.
        let queryID = try #require(hit.json["query_id"] as? String)
        try server.server.engine.log.flush()
        let row = try #require(try server.server.engine.log.entry(id: queryID))
        #expect(row.cacheLayer == "exact" && row.userID == "local" && row.namespace == "handbook")
        try server.server.audit.flush()
        let entries = try await AuditAPITests.entries(server)
        let audited = try AuditAPITests.entry(entries, requestID: "event-loop-1")
        #expect(audited["action"] as? String == "POST /api/v1/query")
        #expect(audited["status"] as? Int == 200)
        #expect(audited["principal"] as? String == "local")
        #expect(audited["namespace"] as? String == "handbook")
        #expect(audited["resource_ids"] as? [String] == [queryID])
        let shown = Set(((hit.json["sources"] as? [[String: Any]]) ?? []).compactMap { $0["document_id"] as? String })
        #expect(!shown.isEmpty)
        #expect(Set(audited["shown_document_ids"] as? [String] ?? []) == shown)
        #expect(try server.server.audit.verify().ok)
        let metrics = try await server.get("/metrics").text
        #expect(metrics.contains(#"http_requests_total{route="/api/v1/query",method="POST",status="200"} 2"#), "\(metrics)")
        // Two hits: the one on the event loop and the engine's own above.
        #expect(metrics.contains(#"rag_cache_requests_total{layer="exact",result="hit"} 2"#))
        try await server.stop()
    }

    @Test func aRefusedHitIsAnsweredLikeTheFullPath() async throws {
        // Two requests a minute: the miss and one hit pass, the next hit is refused on the event loop.
        let (server, upstream) = try await Self.start { $0.rateLimit.userRPM = 2 }
        defer { withExtendedLifetime(upstream) {} }
        #expect(try await server.post("/api/v1/query", Self.question).status == 200)
        #expect(try await server.post("/api/v1/query", Self.question).status == 200)
        let limited = try await server.post("/api/v1/query", Self.question, headers: [("X-Request-ID", "limited-1")])
        #expect(Self.eventLoopResponses(server) == 2)
        ErrorAPITests.problem(limited, 429, code: "rate_limited")
        #expect(limited.header("X-Request-ID") == "limited-1")
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
        #expect(limited.header("RateLimit-Limit") == "2")
        #expect(limited.header("Content-Length") == String(limited.body.count))
        try server.server.audit.flush()
        let audited = try AuditAPITests.entry(try await AuditAPITests.entries(server), requestID: "limited-1")
        #expect(audited["status"] as? Int == 429)
        let metrics = try await server.get("/metrics").text
        #expect(metrics.contains(#"http_requests_total{route="/api/v1/query",method="POST",status="429"} 1"#))
        // Requests the event loop does not answer get the full path's errors: a namespace the store lacks, a
        // streamed answer of the cached question (rate-limited as well), an invalid body.
        ErrorAPITests.problem(try await server.post("/api/v1/query", ["query": "How often should API keys be rotated?", "namespace": "nope"]), 404)
        ErrorAPITests.problem(try await server.postRaw("/api/v1/query", #"{"query": "x", "namespace": "handbook", "top_k": "many"}"#), 400, field: "top_k")
        ErrorAPITests.problem(try await server.postRaw("/api/v1/query", #"{"query": "x""#), 400, code: "malformed_json")
        #expect(Self.eventLoopResponses(server) == 2)
        try await server.stop()
    }

    @Test func recordsWrittenAtOnceKeepHitsOffTheEventLoop() async throws {
        // `[audit] flush_interval = 0`: every audit entry is a SQLite write, which an event loop must not wait for.
        let (server, upstream) = try await Self.start { _ in } configure: { $0.audit.flushInterval = 0 }
        defer { withExtendedLifetime(upstream) {} }
        #expect(try await server.post("/api/v1/query", Self.question).status == 200)
        let hit = try await server.post("/api/v1/query", Self.question)
        #expect(hit.status == 200 && hit.json["cached"] as? Bool == true)
        #expect(Self.eventLoopResponses(server) == 0)
        #expect(try server.server.audit.list(.init(limit: 10)).count == 2)
        try await server.stop()
    }

    @Test func pipelinedResponsesKeepTheRequestOrder() async throws {
        let (server, upstream) = try await Self.start()
        defer { withExtendedLifetime(upstream) {} }   // the scripted LLM stops when released
        #expect(try await server.post("/api/v1/query", Self.question).status == 200)
        let body = String(decoding: JSONText.bytes(Self.question), as: UTF8.self)
        @Sendable func query(_ id: String, close: Bool = false) -> String {
            "POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Request-ID: \(id)\r\n"
                + (close ? "Connection: close\r\n" : "") + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let search = #"{"query": "rotate keys", "namespace": "handbook"}"#
        let slow = "POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Request-ID: slow-1\r\n"
            + "Content-Length: \(search.utf8.count)\r\n\r\n\(search)"
        let port = server.port
        // Two hits, then a search (the router's), a hit behind it, and a hit asking to close: all in one write.
        let reply = try await offPool { () throws -> String in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send(query("hit-1") + query("hit-2") + slow + query("hit-3") + query("hit-4", close: true))
            return socket.receiveUntilClosed(timeout: 30)
        }
        let ids = reply.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("x-request-id:") }
            .map { $0.dropFirst("x-request-id:".count).trimmingCharacters(in: .whitespaces) }
        #expect(ids == ["hit-1", "hit-2", "slow-1", "hit-3", "hit-4"], "\(reply.prefix(2000))")
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 6)
        // The two hits before the search were answered on the event loop; the one behind it waited for the
        // router's answer and went through the router; `Connection: close` always does.
        #expect(Self.eventLoopResponses(server) == 2)
        try await server.stop()
    }

    @Test func aBodyInPiecesAndOtherCredentialsGoThroughTheRouter() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { withExtendedLifetime(upstream) {} }
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "Rotate keys every 90 days [1]."]])
        let fixture = try await AuthFixture.start(engine: scriptedLLM(upstream))
        let server = fixture.server
        let reader = [("Authorization", "Bearer \(fixture.reader)")]
        let question: [String: Any] = ["query": "How do I rotate keys?", "namespace": "handbook"]
        let first = try await server.post("/api/v1/query", question, headers: reader)
        #expect(first.status == 200)
        let hit = try await server.post("/api/v1/query", question, headers: reader)
        #expect(hit.status == 200 && hit.json["cached"] as? Bool == true, "\(hit.text)")
        #expect(Self.eventLoopResponses(server) == 1)
        // The same cached body with credentials that are not valid: the router's 401 each time.
        for (name, headers) in fixture.invalid {
            let refused = try await server.post("/api/v1/query", question, headers: headers)
            #expect(refused.status == 401, "\(name): \(refused.text)")
        }
        // A JWT for the same caller scope is verified by the router (asynchronously).
        let token = try await fixture.tokens.sign(TestTokens.claims(now: fixture.clock.now), with: .hs256)
        #expect(try await server.post("/api/v1/query", question, headers: [("Authorization", "Bearer \(token)")]).status == 200)
        #expect(Self.eventLoopResponses(server) == 1)

        // A body split across two writes: the router reads the rest (under the body timeout).
        let body = String(decoding: JSONText.bytes(question), as: UTF8.self)
        let head = "POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer \(fixture.reader)\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: keep-alive\r\n\r\n"
        let port = server.port
        let reply = try await offPool { () throws -> String in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            let split = body.index(body.startIndex, offsetBy: 10)
            try socket.send(head.replacingOccurrences(of: "Connection: keep-alive\r\n", with: "") + String(body[..<split]))
            Thread.sleep(forTimeInterval: 0.3)
            try socket.send(String(body[split...]))
            // Then the same request whole, asking to close, so the read ends.
            try socket.send(head.replacingOccurrences(of: "keep-alive", with: "close") + body)
            return socket.receiveUntilClosed(timeout: 30)
        }
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "\(reply.prefix(1000))")
        #expect(reply.components(separatedBy: #""cached":true"#).count == 3)
        #expect(Self.eventLoopResponses(server) == 1)
        try await server.stop()
    }
}
