import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

/// The OpenAI-compatible embedder against a scripted server on loopback, through real libcurl.
@Suite struct HTTPEmbedderTests {
    func configuration(_ upstream: ScriptedUpstream) -> HTTPEmbedder.Configuration {
        var configuration = HTTPEmbedder.Configuration(baseURL: upstream.baseURL, model: "scripted-embed", apiKey: "sk-test-123")
        configuration.retry = RetryPolicy(maxAttempts: 4, initialDelay: 0.05, maxDelay: 2)
        configuration.batchSize = 4
        configuration.concurrency = 2
        return configuration
    }

    @Test func batchesInOrderWithTheKeyAndTheDimensionChecked() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 12)
        let embedder = try await HTTPEmbedder.connect(configuration(upstream))
        #expect(embedder.dimension == 12)
        let texts = (0..<10).map { "text number \($0)" }
        let vectors = try await embedder.embed(texts)
        #expect(vectors.count == 10)
        // Same text, same vector, whichever batch it went in: order is preserved.
        let single = try await embedder.embed(["text number 7"])
        #expect(single[0] == vectors[7])
        let stats = try upstream.stats()
        #expect(stats.count("/v1/embeddings") == 1 + 3 + 1)  // probe, 10 texts in batches of 4, single
        #expect(stats.requests.allSatisfy { $0.path != "/v1/embeddings" || $0.headers["authorization"] == "Bearer sk-test-123" || $0.headers["Authorization"] == "Bearer sk-test-123" })
        await #expect { try await HTTPEmbedder.connect(configuration(upstream), expectedDimension: 384) } throws: {
            "\($0)".contains("12") && "\($0)".contains("384") && "\($0)".contains(upstream.baseURL)
        }
    }

    @Test func retriesServerErrorsAndHonoursRetryAfter() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 8)
        let embedder = try await HTTPEmbedder.connect(configuration(upstream))
        try upstream.script(path: "/v1/embeddings", actions: [["status": 500], ["status": 429, "headers": ["Retry-After": "1"]], ["ok": true]])
        let started = Date()
        let vectors = try await embedder.embed(["a", "b"])
        let waited = Date().timeIntervalSince(started)
        #expect(vectors.count == 2)
        #expect(waited >= 0.9, "Retry-After: 1 was not honoured (\(waited) s)")
        #expect(try upstream.stats().count("/v1/embeddings") == 1 + 3)
    }

    @Test func clientErrorsFailAtOnceNamingURLAndStatus() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 8)
        let embedder = try await HTTPEmbedder.connect(configuration(upstream))
        try upstream.script(path: "/v1/embeddings", actions: [["status": 401, "body": "{\"error\": \"bad key\"}"]])
        await #expect { try await embedder.embed(["a"]) } throws: {
            "\($0)".contains("401") && "\($0)".contains("/v1/embeddings") && "\($0)".contains("bad key")
        }
        #expect(try upstream.stats().count("/v1/embeddings") == 2)
    }

    @Test func aDeadServerIsACleanResumableFailure() async throws {
        let dir = TemporaryDirectory("http-ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        var upstream = try ScriptedUpstream.start(dimension: 8)
        var embedder = try await HTTPEmbedder.connect(configuration(upstream))
        var options = IngestOptions(namespace: "remote", paths: [docs + "/handbook"])
        let first = try await Ingestor(store: store, embedder: embedder).ingest(options)
        #expect(first.documentsAdded == 2)

        // The server dies: the next ingest fails with a clear error, its job is marked failed, nothing is half-written.
        options.paths = [docs]
        upstream.stop()
        let countBefore = try store.namespace("remote").count
        await #expect { try await Ingestor(store: store, embedder: embedder).ingest(options) } throws: {
            "\($0)".contains(upstream.baseURL) && "\($0)".contains("attempts")
        }
        #expect(try store.namespace("remote").count == countBefore)
        let failedJob = try #require(try JobStore(store: store).list().first)
        #expect(failedJob.state == .failed)
        #expect(failedJob.message?.contains("/v1/embeddings") == true)

        // Back up (on a new port): the run completes what is missing and re-embeds nothing it already has.
        upstream = try ScriptedUpstream.start(dimension: 8)
        embedder = try await HTTPEmbedder.connect(configuration(upstream))
        let resumed = try await Ingestor(store: store, embedder: embedder).ingest(options)
        #expect(resumed.documentsAdded == 3)
        #expect(resumed.documentsUnchanged == 2)
        let documents = try DocumentRepository(store: store).list(namespace: "remote")
        #expect(documents.count == 5)
        #expect(try store.namespace("remote").count == documents.reduce(0) { $0 + $1.chunkCount })

        // Nothing changed: the server sees no embedding request at all.
        let requestsBefore = try upstream.stats().count("/v1/embeddings")
        let idle = try await Ingestor(store: store, embedder: embedder).ingest(options)
        #expect(idle.documentsUnchanged == 5)
        #expect(try upstream.stats().count("/v1/embeddings") == requestsBefore)
    }
}
