import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// Search, query (plain and SSE), feedback and the operational endpoints against a live server.
@Suite struct QueryAPITests {
    static func handbookServer(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> LiveServer {
        let dir = TemporaryDirectory("server-query")
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        try await ingestDocuments(["salaries.md": "# Salaries\n\nThe restricted salary table lists every engineer's pay band."],
                                  into: "handbook", store: store, embedder: embedder, dir: dir, level: .restricted)
        return try await LiveServer.start(dir: dir, store: store, embedder: embedder, configure: configure)
    }

    @Test func searchReturnsCitedChunksWithTheCLIShape() async throws {
        let server = try await Self.handbookServer()
        let reply = try await server.post("/api/v1/search", ["query": "how often do I rotate API keys", "namespace": "handbook", "top_k": 2])
        #expect(reply.status == 200)
        let results = try #require(reply.json["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect((results[0]["source"] as? String)?.hasSuffix("keys.md") == true)
        for key in ["chunk_id", "document_id", "score", "text", "source", "title", "heading_path", "metadata"] {
            #expect(results[0][key] != nil, "missing \(key)")
        }
        #expect(reply.json["latency_ms"] is Int)
        #expect(reply.header("X-Request-ID")?.hasPrefix("req_") == true)
        // The same search as the library gives: same ids in the same order.
        var direct = SearchRequest(query: "how often do I rotate API keys", namespace: "handbook")
        direct.topK = 2
        let expected = try await server.server.engine.searcher.search(direct).map(\.chunkID)
        #expect(results.compactMap { $0["chunk_id"] as? String } == expected)
        try await server.stop()
    }

    @Test func clearanceFiltersInsideTheSearch() async throws {
        let server = try await Self.handbookServer()
        let all = try await server.post("/api/v1/search", ["query": "salary pay band", "namespace": "handbook", "top_k": 10])
        let open = try await server.post("/api/v1/search", ["query": "salary pay band", "namespace": "handbook", "top_k": 10, "clearance": "public"])
        let sources = { (reply: LiveServer.Reply) in ((reply.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["source"] as? String } }
        #expect(sources(all).contains { $0.hasSuffix("salaries.md") })
        #expect(!sources(open).contains { $0.hasSuffix("salaries.md") })
        #expect(sources(open).count == 3)
        try await server.stop()
    }

    @Test func withoutAnLLMTheAnswerIsExtractiveAndDegraded() async throws {
        let server = try await Self.handbookServer()
        let reply = try await server.post("/api/v1/query", ["query": "How often should API keys be rotated?", "namespace": "handbook"])
        #expect(reply.status == 200)
        #expect(reply.json["degraded"] as? Bool == true)
        #expect(reply.json["model"] as? String == "extractive")
        let sources = try #require(reply.json["sources"] as? [[String: Any]])
        #expect(sources.first?["n"] as? Int == 1)
        #expect((reply.json["answer"] as? String)?.contains("ninety days") == true)
        for key in ["answer", "sources", "latency_ms", "cached", "model", "degraded", "query_id"] {
            #expect(reply.json[key] != nil, "missing \(key)")
        }
        try await server.stop()
    }

    @Test func queryAnswersThenServesTheExactCacheAndTakesFeedback() async throws {
        let upstream = try ScriptedUpstream.start()
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "Rotate them every ninety days [1]."]])
        let server = try await LiveServer.overHandbook("server-query-llm", engine: scriptedLLM(upstream))
        let body: [String: Any] = ["query": "How often should API keys be rotated?", "namespace": "handbook", "temperature": 0.2]
        let first = try await server.post("/api/v1/query", body)
        #expect(first.status == 200)
        #expect(first.json["answer"] as? String == "Rotate them every ninety days [1].")
        #expect(first.json["degraded"] as? Bool == false)
        #expect(first.json["cached"] as? Bool == false)
        let second = try await server.post("/api/v1/query", body)
        #expect(second.json["cached"] as? Bool == true)
        #expect(second.json["cache_layer"] as? String == "exact")
        #expect(second.json["answer"] as? String == first.json["answer"] as? String)

        let queryID = try #require(first.json["query_id"] as? String)
        let feedback = try await server.post("/api/v1/feedback", ["query_id": queryID, "rating": 5, "comment": "good"])
        #expect(feedback.status == 201)
        #expect(try server.server.engine.log.feedback(for: queryID).map(\.rating) == [5])
        let unknown = try await server.post("/api/v1/feedback", ["query_id": "nope", "rating": 1])
        #expect(unknown.status == 404)
        let badRating = try await server.post("/api/v1/feedback", ["query_id": queryID, "rating": 9])
        #expect(badRating.status == 400)
        #expect(badRating.json["field"] as? String == "rating")
        try await server.stop()
    }

    @Test func streamingSendsSourcesTokensAndAFinalAnswer() async throws {
        let server = try await Self.handbookServer()
        let (status, events) = try await server.events("/api/v1/query", ["query": "How do I back up the store?", "namespace": "handbook", "stream": true])
        #expect(status == 200)
        let names = events.map(\.0)
        #expect(names.first == "sources")
        #expect(names.last == "done")
        #expect(names.contains("token"))
        let done = try #require(try JSONSerialization.jsonObject(with: Data(events.last!.1.utf8)) as? [String: Any])
        let tokens = events.filter { $0.0 == "token" }.compactMap { event in
            (try? JSONSerialization.jsonObject(with: Data(event.1.utf8)) as? [String: Any])?["text"] as? String
        }
        #expect(tokens.joined() == done["answer"] as? String)
        #expect((done["sources"] as? [[String: Any]])?.isEmpty == false)
        // An error before the first event is an ordinary problem response, not a broken stream.
        let missing = try await server.post("/api/v1/query", ["query": "x", "namespace": "missing", "stream": true])
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        try await server.stop()
    }

    @Test func operationalEndpoints() async throws {
        let server = try await Self.handbookServer()
        #expect(try await server.get("/healthz").json["status"] as? String == "ok")
        let ready = try await server.get("/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["status"] as? String == "ready")
        let spec = try await server.get("/openapi.json")
        #expect(spec.status == 200)
        #expect(spec.json["openapi"] as? String == "3.1.0")
        let echoed = try await server.get("/healthz", headers: [("X-Request-ID", "abc-123.x_y")])
        #expect(echoed.header("X-Request-ID") == "abc-123.x_y")
        let invalid = try await server.get("/healthz", headers: [("X-Request-ID", "bad id with spaces")])
        #expect(invalid.header("X-Request-ID")?.hasPrefix("req_") == true)

        _ = try await server.post("/api/v1/search", ["query": "keys", "namespace": "handbook"])
        _ = try await server.post("/api/v1/search", ["query": "", "namespace": "handbook"])
        let metrics = try await server.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = metrics.text
        #expect(text.contains(#"http_requests_total{route="/api/v1/search",method="POST",status="200"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/api/v1/search",method="POST",status="400"} 1"#))
        #expect(text.contains(#"rag_namespace_vectors{namespace="handbook"} 4"#))
        #expect(text.contains("process_resident_memory_bytes"))
        #expect(text.contains("rag_ingest_queue_depth"))
        #expect(text.contains("rag_sqlite_connections"))
        try await PromTool.check(text)
        try await server.stop()
    }

    @Test func queryMetricsAppearAfterAQuery() async throws {
        let server = try await Self.handbookServer()
        _ = try await server.post("/api/v1/query", ["query": "How do I deploy behind a proxy?", "namespace": "handbook"])
        let text = try await server.get("/metrics").text
        #expect(text.contains("llm_queries_total{model=\"extractive\",status=\"ok\"} 1"))
        #expect(text.contains("rag_cache_requests_total"))
        #expect(text.contains("# HELP llm_query_latency_seconds"))
        try await PromTool.check(text)
        try await server.stop()
    }
}

/// `promtool check metrics` (Debian's prometheus package, installed by `make deps`) on an exposition.
enum PromTool {
    static func check(_ exposition: String) async throws {
        try await offPool { try run(exposition) }
    }

    private static func run(_ exposition: String) throws {
        let path = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LiveServerError("promtool is not installed (make deps installs the prometheus package)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LiveServerError("promtool check metrics failed (\(process.terminationStatus)): \(report)")
        }
    }
}
