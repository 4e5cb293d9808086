import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// `POST /api/v1/ingest` jobs: the bounded queue, server-side path rules, and a job interrupted by a
/// shutdown resuming at the next start. The embedding provider is the scripted upstream, so a test can hold it.
@Suite struct IngestJobAPITests {
    static func multipart(_ files: [(String, String)], fields: [String: String], boundary: String = "job-boundary") -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, content) in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n\(content)\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    static func submit(_ server: LiveServer, _ files: [(String, String)], namespace: String = "jobs") async throws -> LiveServer.Reply {
        try await server.request("POST", "/api/v1/ingest", body: multipart(files, fields: ["namespace": namespace]),
                                 headers: [("Content-Type", "multipart/form-data; boundary=job-boundary")])
    }

    static func embedder(_ upstream: ScriptedUpstream) async throws -> HTTPEmbedder {
        var configuration = HTTPEmbedder.Configuration(baseURL: upstream.baseURL, model: "scripted-embed")
        configuration.retry = RetryPolicy(maxAttempts: 1, initialDelay: 0.01, maxDelay: 0.01)
        return try await HTTPEmbedder.connect(configuration)
    }

    static func waitUntil(_ server: LiveServer, job id: String, state: String) async throws {
        for _ in 0..<300 {
            if try await server.get("/api/v1/jobs/\(id)").json["state"] as? String == state { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LiveServerError("job \(id) never reached \(state)")
    }

    @Test func jobsRunInTheBackgroundAndAFullQueueAnswers503() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 8)
        let server = try await LiveServer.start(embedder: try await Self.embedder(upstream)) {
            $0.ingestQueueCapacity = 1
            $0.ingestWorkers = 1
        }
        _ = try await server.post("/api/v1/namespaces", ["name": "jobs"])
        try upstream.script(path: "/v1/embeddings", actions: [["hold": 30, "ok": true]])
        let first = try await Self.submit(server, [("a.md", "# A\n\nAlpha text about keys.")])
        #expect(first.status == 202)
        let firstID = try #require(first.json["job_id"] as? String)
        #expect(first.header("Location") == "/api/v1/jobs/\(firstID)")
        #expect(first.json["status_url"] as? String == "/api/v1/jobs/\(firstID)")
        try await Self.waitUntil(server, job: firstID, state: "running")
        let second = try await Self.submit(server, [("b.md", "# B\n\nBeta text about backups.")])
        #expect(second.status == 202)
        let full = try await Self.submit(server, [("c.md", "# C\n\nGamma.")])
        ErrorAPITests.problem(full, 503, code: "queue_full")
        #expect(full.header("Retry-After") == "5")
        #expect(try await server.get("/metrics").text.contains("rag_ingest_queue_depth 1"))
        try upstream.release(path: "/v1/embeddings")
        let done = try await server.waitForJob(firstID)
        #expect(done["state"] as? String == "succeeded", "\(done)")
        let secondDone = try await server.waitForJob(try #require(second.json["job_id"] as? String))
        #expect(secondDone["state"] as? String == "succeeded")
        #expect((secondDone["progress"] as? [String: Int])?["documents_added"] == 1)
        let documents = try await server.get("/api/v1/namespaces/jobs/documents")
        #expect((documents.json["documents"] as? [[String: Any]])?.compactMap { $0["source"] as? String }.sorted() == ["upload:a.md", "upload:b.md"])
        let jobs = try await server.get("/api/v1/jobs")
        #expect((jobs.json["jobs"] as? [[String: Any]])?.count == 2)
        ErrorAPITests.problem(try await server.get("/api/v1/jobs/job_missing"), 404)
        try await server.stop()
    }

    @Test func serverSidePathsMustLieUnderAnIngestRoot() async throws {
        let dir = TemporaryDirectory("server-roots")
        let root = dir.file("allowed")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "# Allowed\n\nThis file may be ingested.".write(toFile: root + "/ok.md", atomically: true, encoding: .utf8)
        try "secret".write(toFile: dir.file("outside.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.md", withDestinationPath: dir.file("outside.md"))
        let server = try await LiveServer.start(dir: dir) { $0.ingestRoots = [root] }
        _ = try await server.post("/api/v1/namespaces", ["name": "jobs"])
        ErrorAPITests.problem(try await server.post("/api/v1/ingest", ["namespace": "jobs", "paths": [dir.file("outside.md")]]), 403,
                              code: "path_not_allowed", field: "paths[0]")
        ErrorAPITests.problem(try await server.post("/api/v1/ingest", ["namespace": "jobs", "paths": [root + "/../outside.md"]]), 403)
        ErrorAPITests.problem(try await server.post("/api/v1/ingest", ["namespace": "jobs", "paths": [root + "/escape.md"]]), 403)
        ErrorAPITests.problem(try await server.post("/api/v1/ingest", ["namespace": "jobs"]), 400, field: "paths")
        ErrorAPITests.problem(try await server.post("/api/v1/ingest", ["paths": [root]]), 400, field: "namespace")
        let accepted = try await server.post("/api/v1/ingest", ["namespace": "jobs", "paths": [root + "/ok.md"], "access_level": "internal"])
        #expect(accepted.status == 202, "\(accepted.text)")
        let job = try await server.waitForJob(try #require(accepted.json["job_id"] as? String))
        #expect(job["state"] as? String == "succeeded", "\(job)")
        let documents = try DocumentRepository(store: server.store).list(namespace: "jobs")
        #expect(documents.map(\.accessLevel) == ["internal"])
        try await server.stop()

        let closed = try await LiveServer.start(dir: TemporaryDirectory("server-noroots"))
        _ = try await closed.post("/api/v1/namespaces", ["name": "jobs"])
        ErrorAPITests.problem(try await closed.post("/api/v1/ingest", ["namespace": "jobs", "paths": [root]]), 403, code: "path_not_allowed")
        try await closed.stop()
    }

    @Test func aJobInterruptedByAShutdownResumesAtTheNextStart() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 8)
        let dir = TemporaryDirectory("server-restart")
        let embedder = try await Self.embedder(upstream)
        let first = try await LiveServer.start(dir: dir, embedder: embedder)
        _ = try await first.post("/api/v1/namespaces", ["name": "jobs", "dimension": 8, "model": embedder.modelID])
        // 70 files: two groups of the pipeline, so a cancelled job stops between them.
        let files = (0..<70).map { ("doc\($0).md", "# Document \($0)\n\nText number \($0) about topic \($0 % 7).") }
        try upstream.script(path: "/v1/embeddings", actions: [["hold": 60, "ok": true]])
        let submitted = try await Self.submit(first, files)
        let id = try #require(submitted.json["job_id"] as? String)
        try await Self.waitUntil(first, job: id, state: "running")
        for _ in 0..<400 where try upstream.stats().inFlight == 0 { try await Task.sleep(for: .milliseconds(25)) }
        // Shut down while the first group's embeddings are held; once the workers have been told to stop
        // (after the HTTP side drained), let the embeddings through: the job must stop before group two.
        let stopping = Task { try await first.stop() }
        for _ in 0..<2400 where !first.server.queue.isClosed { try await Task.sleep(for: .milliseconds(25)) }
        #expect(first.server.queue.isClosed)
        try upstream.release(path: "/v1/embeddings")
        try await stopping.value
        let stopped = try #require(try JobStore(store: first.store).get(id))
        #expect(stopped.state == .cancelled)
        #expect(stopped.message?.contains("resumes when the server starts again") == true)

        // A new server over the same files (a fresh store handle: what was committed is what it finds).
        let reopened = try openServerStore(dir)
        let second = try await LiveServer.start(dir: dir, store: reopened, embedder: embedder)
        let resumed = try await second.waitForJob(id)
        #expect(resumed["state"] as? String == "succeeded", "\(resumed)")
        #expect(try DocumentRepository(store: reopened).list(namespace: "jobs").count == 70)
        #expect(try reopened.namespace("jobs").count >= 70)
        try await second.stop()
    }
}
