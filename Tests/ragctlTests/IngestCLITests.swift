import Foundation
import Testing
import TestSupport

/// `ragctl ingest`, `documents`, `jobs`, `search` and `embed` as INTERFACE.md writes them, with the native
/// model (the offline default).
@Suite struct IngestCLITests {
    static var docs: String { RepositoryPaths.root().appendingPathComponent("Fixtures/docs").path }

    @Test func ingestSearchDocumentsJobsAsInInterface() async throws {
        let dir = TemporaryDirectory("cli-ingest")
        let ingest = try await Ragctl.run(["ingest", Self.docs, "--namespace", "handbook", "--category", "docs", "--json", "--data-dir", dir.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let summary = try #require(ingest.json)
        for key in ["namespace", "documents_added", "documents_updated", "documents_unchanged", "documents_removed",
                    "chunks_added", "chunks_removed", "embedding_calls", "failed", "elapsed_ms"] {
            #expect(summary[key] != nil, "missing \(key)")
        }
        #expect(summary["documents_added"] as? Int == 4)
        #expect((summary["failed"] as? [Any])?.isEmpty == true)

        let again = try await Ragctl.run(["--data-dir", dir.path, "ingest", Self.docs, "--namespace", "handbook", "--category", "docs", "--json"])
        #expect(again.json?["documents_unchanged"] as? Int == 4)
        #expect(again.json?["embedding_calls"] as? Int == 0)

        let search = try await Ragctl.run(["search", "how do I rotate keys?", "--namespace", "handbook", "--top-k", "3", "--json", "--data-dir", dir.path])
        #expect(search.status == 0, "\(search.stderr)")
        let results = try #require(search.json?["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for key in ["chunk_id", "document_id", "score", "text", "source", "heading_path", "metadata"] { #expect(results[0][key] != nil, "missing \(key)") }
        #expect((results[0]["text"] as? String)?.contains("rotate") == true, "\(results[0])")
        #expect((results[0]["source"] as? String)?.hasSuffix("security.md") == true)
        #expect(search.json?["latency_ms"] is Int)

        let documents = try await Ragctl.run(["documents", "list", "handbook", "--json", "--data-dir", dir.path])
        let list = try #require(documents.json?["documents"] as? [[String: Any]])
        #expect(list.count == 4)
        for key in ["id", "source", "title", "chunk_count", "content_hash", "access_level", "language"] { #expect(list[0][key] != nil, "missing \(key)") }
        #expect(list.contains { $0["title"] as? String == "Onboarding checklist" })

        // Every command opens a store that `ingest` wrote (same schema).
        let namespaces = try await Ragctl.run(["namespaces", "list", "--json", "--data-dir", dir.path])
        #expect((namespaces.json?["namespaces"] as? [[String: Any]])?.first?["dimension"] as? Int == 384)

        let jobs = try await Ragctl.run(["jobs", "list", "--json", "--data-dir", dir.path])
        let jobList = try #require(jobs.json?["jobs"] as? [[String: Any]])
        #expect(jobList.count == 2)
        #expect(jobList.allSatisfy { $0["state"] as? String == "succeeded" })
        let id = try #require(jobList.first?["id"] as? String)
        let show = try await Ragctl.run(["jobs", "show", id, "--json", "--data-dir", dir.path])
        #expect(show.json?["id"] as? String == id)

        // Deleting a document removes its chunks and vectors.
        let victim = try #require(list.first { ($0["source"] as? String)?.hasSuffix("faq.txt") == true })
        let chunkCount = try #require(victim["chunk_count"] as? Int)
        let vectorsBefore = try #require((namespaces.json?["namespaces"] as? [[String: Any]])?.first?["count"] as? Int)
        let delete = try await Ragctl.run(["documents", "delete", "handbook", try #require(victim["id"] as? String), "--data-dir", dir.path])
        #expect(delete.status == 0, "\(delete.stderr)")
        let after = try await Ragctl.run(["documents", "list", "handbook", "--json", "--data-dir", dir.path])
        #expect((after.json?["documents"] as? [[String: Any]])?.count == 3)
        let counts = try await Ragctl.run(["namespaces", "list", "--json", "--data-dir", dir.path])
        #expect((counts.json?["namespaces"] as? [[String: Any]])?.first?["count"] as? Int == vectorsBefore - chunkCount)
    }

    @Test func queryAnswersOfflineWithCitationsAndDegraded() async throws {
        let dir = TemporaryDirectory("cli-query")
        let ingest = try await Ragctl.run(["ingest", Self.docs, "--namespace", "handbook", "--data-dir", dir.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let query = try await Ragctl.run(["query", "how do I rotate keys?", "--namespace", "handbook", "--json", "--data-dir", dir.path])
        #expect(query.status == 0, "\(query.stderr)")
        let json = try #require(query.json)
        #expect(json["degraded"] as? Bool == true)
        #expect(json["cached"] as? Bool == false)
        #expect(json["model"] is String)
        #expect(json["latency_ms"] is Int)
        let answer = try #require(json["answer"] as? String)
        #expect(answer.contains("[1]"), "no citation: \(answer)")
        #expect(answer.lowercased().contains("rotate"), "\(answer)")
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(!sources.isEmpty)
        #expect((sources[0]["source"] as? String)?.hasSuffix("security.md") == true)
        let empty = try await Ragctl.run(["query", "   ", "--namespace", "handbook", "--data-dir", dir.path])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("empty") || empty.stderr.contains("whitespace"))
    }

    @Test func partialFailureExitsTwoAndFatalErrorsExitOne() async throws {
        let dir = TemporaryDirectory("cli-ingest")
        let docs = dir.file("docs")
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        try "# Title\n\nSome text about keys.".write(toFile: docs + "/ok.md", atomically: true, encoding: .utf8)
        try Data([0, 1, 2, 3, 0, 0, 0, 9] + Array(repeating: 0, count: 100)).write(to: URL(fileURLWithPath: docs + "/blob.bin"))
        let partial = try await Ragctl.run(["ingest", docs, "--namespace", "n", "--json", "--data-dir", dir.path])
        #expect(partial.status == 2)
        let failed = try #require(partial.json?["failed"] as? [[String: Any]])
        #expect(failed.count == 1)
        #expect((failed.first?["path"] as? String)?.hasSuffix("blob.bin") == true)
        #expect((failed.first?["error"] as? String)?.contains("binary") == true)
        #expect(partial.json?["documents_added"] as? Int == 1)

        let unknownEmbedder = try await Ragctl.run(["ingest", docs, "--namespace", "n", "--embedder", "http", "--data-dir", dir.path],
                                             environment: ["RAGCTL_EMBEDDER_BASE_URL": ""])
        #expect(unknownEmbedder.status == 1)
        #expect(unknownEmbedder.stderr.contains("base_url") || unknownEmbedder.stderr.contains("base URL"))
        let badLevel = try await Ragctl.run(["ingest", docs, "--namespace", "n", "--access-level", "secret", "--data-dir", dir.path])
        #expect(badLevel.status == 64)
    }

    @Test func embedPrintsReferenceVectors() async throws {
        let embed = try await Ragctl.run(["embed", "A man is eating food.", "A man is riding a horse.", "--json"])
        #expect(embed.status == 0, "\(embed.stderr)")
        let json = try #require(embed.json)
        #expect(json["model"] as? String == "sentence-transformers/all-MiniLM-L6-v2")
        #expect(json["dimension"] as? Int == 384)
        let vectors = try #require(json["embeddings"] as? [[Double]])
        #expect(vectors.count == 2)
        let cosine = zip(vectors[0], vectors[1]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(cosine - 0.247402) < 1e-4, "cosine \(cosine)")
    }
}
