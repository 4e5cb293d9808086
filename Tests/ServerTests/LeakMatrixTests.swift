import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// The leak matrix: a restricted document never appears to a public caller through search (every mode),
/// query (plain and streamed), the OpenAI chat endpoint (plain and streamed), the exact and the semantic
/// answer cache after a restricted caller asked the same question, document listings and reads, ingest jobs,
/// raw vector search, metrics or error responses.
@Suite struct LeakMatrixTests {
    /// Everything a public caller was answered: status, headers and body of each response, by request.
    final class Transcript: @unchecked Sendable {
        private(set) var entries: [(request: String, text: String)] = []
        func add(_ request: String, _ reply: LiveServer.Reply) {
            let headers = reply.headers.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            entries.append((request, "\(reply.status)\n\(headers)\n\n\(reply.text)"))
        }
        func add(_ request: String, events: (status: Int, events: [(String, String)])) {
            entries.append((request, "\(events.status)\n" + events.events.map { "event: \($0.0)\ndata: \($0.1)" }.joined(separator: "\n")))
        }
    }

    @Test func aRestrictedDocumentNeverReachesAPublicCaller() async throws {
        let marker = "Quokkamarker" + UUID().uuidString.prefix(8).lowercased()
        let upstream = try ScriptedUpstream.start()
        // The restricted caller's answer carries the marker; later (public) answers are the default text.
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "The pay band code is \(marker) [1]."]])

        let dir = TemporaryDirectory("leak-matrix")
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        let corpus = dir.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try "# Salaries \(marker)\n\nThe salary table lists every engineer's pay band. The pay band code is \(marker)."
            .write(toFile: corpus + "/salaries-\(marker).md", atomically: true, encoding: .utf8)
        // A file that fails, so the restricted job has an error naming it.
        try Data("%PDF-1.4 not really \(marker)".utf8).write(to: URL(fileURLWithPath: corpus + "/payroll-\(marker).pdf"))

        var engine = QueryEngineConfiguration()
        engine.providers = [LLMProviderConfiguration(name: "primary", kind: .openai, baseURL: upstream.baseURL, model: "m", timeout: 30)]
        engine.semantic.threshold = 0.8   // generous: a scoping mistake would show as a cross-caller hit
        engine.rateLimit.userRPM = 10_000
        let server = try await LiveServer.start(dir: dir, store: store, embedder: embedder, engine: engine, auth: AuthConfiguration()) {
            $0.ingestRoots = [corpus]
        }
        let keys = server.keys
        let admin = bearer(try keys.create(APIKey.Spec(name: "admin", role: .admin, namespaces: nil, clearance: .restricted)).secret)
        let insider = bearer(try keys.create(APIKey.Spec(name: "insider", role: .reader, namespaces: ["handbook"], clearance: .restricted)).secret)
        let reader = bearer(try keys.create(APIKey.Spec(name: "public reader", role: .reader, namespaces: ["handbook"], clearance: .public)).secret)
        let writer = bearer(try keys.create(APIKey.Spec(name: "public writer", role: .writer, namespaces: ["handbook"], clearance: .public)).secret)

        // The restricted document arrives through an ingest job.
        let submitted = try await server.post("/api/v1/ingest", ["namespace": "handbook", "paths": [corpus], "access_level": "restricted"],
                                              headers: admin)
        #expect(submitted.status == 202, "\(submitted.text)")
        let jobID = try #require(submitted.json["job_id"] as? String)
        var job: [String: Any] = [:]
        for _ in 0..<600 {
            job = try await server.get("/api/v1/jobs/\(jobID)", headers: admin).json
            if ["succeeded", "failed", "cancelled"].contains(job["state"] as? String ?? "") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(job["state"] as? String == "succeeded", "\(job)")
        #expect(JSONWire.string(job).contains(marker), "the job names its failed file")
        let restricted = try #require(try DocumentRepository(store: store).list(namespace: "handbook").first { $0.accessLevel == "restricted" })
        let secretID = restricted.id

        // The insider asks first: the answer (with the marker) goes into the exact and the semantic cache.
        let question = "What pay band code does the salary table list?"
        let paraphrase = "Which pay band code is listed in the salary table?"
        let first = try await server.post("/api/v1/query", ["query": question, "namespace": "handbook"], headers: insider)
        #expect(first.status == 200 && first.text.contains(marker), "\(first.text)")
        let again = try await server.post("/api/v1/query", ["query": question, "namespace": "handbook"], headers: insider)
        #expect(again.json["cache_layer"] as? String == "exact", "\(again.text)")
        let similar = try await server.post("/api/v1/query", ["query": paraphrase, "namespace": "handbook"], headers: insider)
        #expect(similar.json["cache_layer"] as? String == "semantic" && similar.text.contains(marker), "\(similar.text)")
        let insiderSearch = try await server.post("/api/v1/search", ["query": question, "namespace": "handbook"], headers: insider)
        #expect(insiderSearch.text.contains(marker), "the insider finds it")
        let insiderQueryID = try #require(first.json["query_id"] as? String)
        try upstream.reset()

        // Now the public callers.
        let seen = Transcript()
        for text in [question, paraphrase, marker] {
            for mode in ["dense", "bm25", "hybrid"] {
                for clearance in [nil, "restricted"] as [String?] {
                    var body: [String: Any] = ["query": text, "namespace": "handbook", "mode": mode, "top_k": 20]
                    if let clearance { body["clearance"] = clearance }
                    let reply = try await server.post("/api/v1/search", body, headers: reader)
                    #expect(reply.status == 200, "\(reply.text)")
                    seen.add("search \(mode) \(clearance ?? "-") \(text == marker ? "the marker itself" : text)", reply)
                }
            }
        }
        for text in [question, paraphrase] {
            for clearance in [nil, "restricted"] as [String?] {
                var body: [String: Any] = ["query": text, "namespace": "handbook"]
                if let clearance { body["clearance"] = clearance }
                let reply = try await server.post("/api/v1/query", body, headers: reader)
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply.json["cache_layer"] as? String != "semantic" || reply.json["answer"] as? String != first.json["answer"] as? String)
                seen.add("query \(text)", reply)
                body["stream"] = true
                seen.add("query stream \(text)", events: try await server.events("/api/v1/query", body, headers: reader))
            }
            let chat: [String: Any] = ["model": "rag:handbook", "messages": [["role": "user", "content": text]]]
            seen.add("chat \(text)", try await server.post("/v1/chat/completions", chat, headers: reader))
            var streamed = chat
            streamed["stream"] = true
            seen.add("chat stream \(text)", events: try await server.events("/v1/chat/completions", streamed, headers: reader))
        }
        let vector = try await embedder.embed([question])[0].map(Double.init)
        for clearance in [nil, "restricted"] as [String?] {
            var body: [String: Any] = ["vector": vector, "top_k": 50]
            if let clearance { body["clearance"] = clearance }
            seen.add("vector search", try await server.post("/api/v1/namespaces/handbook/vectors/search", body, headers: reader))
        }
        for path in ["/api/v1/namespaces", "/api/v1/namespaces/handbook", "/api/v1/namespaces/handbook/documents",
                     "/api/v1/namespaces/handbook/documents?limit=1&offset=3", "/v1/models", "/metrics"] {
            seen.add("GET \(path)", try await server.get(path, headers: reader))
        }
        for path in ["/api/v1/jobs", "/api/v1/jobs?limit=1000", "/api/v1/namespaces/handbook/documents"] {
            seen.add("GET \(path) as writer", try await server.get(path, headers: writer))
        }
        let filtered = try await server.post("/api/v1/search", ["query": question, "namespace": "handbook", "filter": ["document_id": secretID]],
                                             headers: reader)
        #expect((filtered.json["results"] as? [[String: Any]])?.isEmpty == true, "\(filtered.text)")

        // Asking for the restricted document, job or query by id answers exactly as for an id that does not exist.
        let randomID = String(repeating: "0", count: secretID.count)
        let probes: [(String, String, [(String, String)], String, String)] = [
            ("GET", "/api/v1/namespaces/handbook/documents/%@", reader, secretID, randomID),
            ("GET", "/api/v1/namespaces/handbook/documents/%@", writer, secretID, randomID),
            ("DELETE", "/api/v1/namespaces/handbook/documents/%@", writer, secretID, randomID),
            ("GET", "/api/v1/jobs/%@", writer, jobID, "job_00000000000000000000"),
        ]
        for (method, pattern, credential, hidden, absent) in probes {
            let secret = try await server.request(method, pattern.replacingOccurrences(of: "%@", with: hidden), headers: credential)
            let missing = try await server.request(method, pattern.replacingOccurrences(of: "%@", with: absent), headers: credential)
            #expect(secret.status == 404 && missing.status == 404, "\(method) \(pattern): \(secret.status) \(secret.text)")
            #expect(Self.normalized(secret.json, replacing: hidden) == Self.normalized(missing.json, replacing: absent),
                    "\(method) \(pattern): \(secret.text) vs \(missing.text)")
        }
        let feedback = try await server.post("/api/v1/feedback", ["query_id": insiderQueryID, "rating": -1], headers: reader)
        #expect(feedback.status == 404, "\(feedback.text)")
        #expect(try DocumentRepository(store: store).get(namespace: "handbook", id: secretID) != nil, "still there")

        // A public writer who knows (or guesses) the restricted document's source cannot replace it with a
        // public one, which would also tell them it exists: the upload is refused like any other conflict.
        let overwrite = try await server.post("/api/v1/namespaces/handbook/documents",
                                              ["text": "# Salaries\n\nNothing to see.", "source": restricted.source], headers: writer)
        #expect(overwrite.status == 409, "\(overwrite.text)")
        #expect(overwrite.json["id"] == nil && !overwrite.text.contains(secretID), "\(overwrite.text)")
        let after = try #require(try DocumentRepository(store: store).get(namespace: "handbook", id: secretID))
        #expect(after.accessLevel == "restricted" && after.contentHash == restricted.contentHash)
        // Nor through an ingest job over the same server-side folder: a public re-ingest of its file fails for that
        // file, and a prune that skips the file (excluded) does not remove the document.
        for body in [["namespace": "handbook", "paths": [corpus], "access_level": "public"],
                     ["namespace": "handbook", "paths": [corpus], "exclude": ["salaries-*"], "prune": true]] as [[String: Any]] {
            let submitted = try await server.post("/api/v1/ingest", body, headers: writer)
            #expect(submitted.status == 202, "\(submitted.text)")
            let id = try #require(submitted.json["job_id"] as? String)
            var state = ""
            for _ in 0..<600 where !["succeeded", "failed", "cancelled"].contains(state) {
                try await Task.sleep(for: .milliseconds(100))
                state = try await server.get("/api/v1/jobs/\(id)", headers: writer).json["state"] as? String ?? ""
            }
            #expect(state == "succeeded", "\(body)")
            let kept = try #require(try DocumentRepository(store: store).get(namespace: "handbook", id: secretID), "\(body)")
            #expect(kept.accessLevel == "restricted" && kept.contentHash == restricted.contentHash, "\(body)")
        }

        // Nothing a public caller received names the marker or the restricted document's id.
        for (request, text) in seen.entries {
            #expect(!text.contains(marker), "\(request) showed the marker: \(text.prefix(2000))")
            #expect(!text.contains(secretID), "\(request) showed the restricted document id: \(text.prefix(2000))")
        }
        #expect(seen.entries.count >= 40)
        // The LLM never saw the restricted passage on a public caller's behalf either.
        let prompts = try upstream.stats().requests.filter { $0.path == "/v1/chat/completions" }
        #expect(!prompts.isEmpty)
        #expect(prompts.allSatisfy { !$0.body.contains(marker) })
        try await server.stop()
    }

    /// A problem object without its per-request parts, with the id asked for replaced by a placeholder.
    static func normalized(_ object: [String: Any], replacing id: String) -> String {
        var object = object
        object["request_id"] = nil
        object["instance"] = nil
        return JSONWire.string(object).replacingOccurrences(of: id, with: "<id>")
    }
}
