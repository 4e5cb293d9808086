import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

@Suite struct IngestPipelineTests {
    @Test func reingestingAnUnchangedFolderMakesNoCallsAndNoWrites() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        let embedder = CountingEmbedder()
        let ingestor = Ingestor(store: store, embedder: embedder)
        let first = try await ingestor.ingest(IngestOptions(namespace: "handbook", paths: [docs]))
        #expect(first.documentsAdded == 5)
        #expect(first.failed.isEmpty, "\(first.failed)")
        #expect(first.chunksAdded > 5)
        #expect(first.embeddingCalls >= 1)
        #expect(embedder.texts.count == first.chunksEmbedded)
        let generation = try store.namespace("handbook").generation
        let count = try store.namespace("handbook").count
        #expect(count == first.chunksAdded)

        embedder.reset()
        let second = try await ingestor.ingest(IngestOptions(namespace: "handbook", paths: [docs]))
        #expect(embedder.calls == 0)
        #expect(second.embeddingCalls == 0)
        #expect(second.documentsUnchanged == 5)
        #expect(second.documentsAdded + second.documentsUpdated + second.chunksAdded + second.chunksRemoved == 0)
        #expect(try store.namespace("handbook").generation == generation, "an unchanged re-ingest wrote to the namespace")

        // Reopened from disk: same documents, same chunks, no duplicates.
        let reopened = try openIngestStore(dir)
        #expect(try reopened.namespace("handbook").count == count)
        let documents = try DocumentRepository(store: reopened).list(namespace: "handbook")
        #expect(documents.count == 5)
        #expect(Set(documents.map(\.source)).count == 5)
        #expect(documents.reduce(0) { $0 + $1.chunkCount } == count)
    }

    @Test func aChangedFileReembedsOnlyItsChangedChunks() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        let embedder = CountingEmbedder()
        let ingestor = Ingestor(store: store, embedder: embedder)
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        let keys = docs + "/handbook/keys.md"
        let before = try DocumentRepository(store: store).chunks(namespace: "h", documentID: Hashing.documentID(namespace: "h", source: keys))
        #expect(before.count >= 2)
        var text = try String(contentsOfFile: keys, encoding: .utf8)
        text = text.replacingOccurrences(of: "Revoked keys fail with 401", with: "Revoked keys are refused with 401")
        try text.write(toFile: keys, atomically: true, encoding: .utf8)

        embedder.reset()
        let summary = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        #expect(summary.documentsUpdated == 1)
        #expect(summary.documentsUnchanged == 4)
        #expect(summary.chunksEmbedded == 1, "re-embedded \(embedder.texts)")
        #expect(embedder.texts.count == 1)
        #expect(embedder.texts.first?.contains("refused with 401") == true)
        let after = try DocumentRepository(store: store).chunks(namespace: "h", documentID: Hashing.documentID(namespace: "h", source: keys))
        #expect(after.map(\.id) == before.map(\.id), "chunk ids are stable")
        #expect(after.contains { $0.text.contains("refused with 401") })
        #expect(!after.contains { $0.text.contains("fail with 401") })
        #expect(try store.namespace("h").count == after.count + (try store.namespace("h").count - after.count))
    }

    @Test func pruneRemovesDocumentsWhoseFilesAreGone() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        let ingestor = Ingestor(store: store, embedder: CountingEmbedder())
        let first = try await ingestor.ingest(IngestOptions(namespace: "p", paths: [docs]))
        let removedDoc = Hashing.documentID(namespace: "p", source: docs + "/notes/meeting.txt")
        let removedChunks = try store.ids(ofDocument: removedDoc, in: "p").count
        try FileManager.default.removeItem(atPath: docs + "/notes/meeting.txt")
        let noPrune = try await ingestor.ingest(IngestOptions(namespace: "p", paths: [docs]))
        #expect(noPrune.documentsRemoved == 0)
        var options = IngestOptions(namespace: "p", paths: [docs])
        options.prune = true
        let pruned = try await ingestor.ingest(options)
        #expect(pruned.documentsRemoved == 1)
        #expect(pruned.chunksRemoved == removedChunks)
        #expect(try store.ids(ofDocument: removedDoc, in: "p").isEmpty)
        #expect(try store.namespace("p").count == first.chunksAdded - removedChunks)
        #expect(try DocumentRepository(store: store).list(namespace: "p").count == 4)
        #expect(try store.query("SELECT COUNT(*) FROM chunks WHERE document_id = ?", [.text(removedDoc)])[0][0] == .integer(0))
    }

    @Test func badFilesAreReportedAndTheRestIngested() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        try Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 0, 0, 0, 3] + Array(repeating: 0, count: 200)).write(to: URL(fileURLWithPath: docs + "/binary.bin"))
        try Data().write(to: URL(fileURLWithPath: docs + "/empty.txt"))
        try String(repeating: "x", count: 3000).write(toFile: docs + "/big.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: docs + "/loop", withDestinationPath: docs)
        let store = try openIngestStore(dir)
        var options = IngestOptions(namespace: "b", paths: [docs, dir.file("missing-folder")])
        options.maxFileBytes = 2000
        let summary = try await Ingestor(store: store, embedder: CountingEmbedder()).ingest(options)
        #expect(summary.documentsAdded == 5)
        let reasons = Dictionary(summary.failed.map { (URL(fileURLWithPath: $0.path).lastPathComponent, $0.error) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["binary.bin"]?.contains("binary") == true, "\(reasons)")
        #expect(reasons["empty.txt"]?.contains("empty") == true, "\(reasons)")
        #expect(reasons["big.txt"]?.contains("limit") == true, "\(reasons)")
        #expect(reasons["missing-folder"] != nil, "\(reasons)")
        let job = try #require(try JobStore(store: store).get(summary.jobID ?? ""))
        #expect(job.state == .succeeded)
        #expect(job.errors.count == summary.failed.count)
        #expect(job.progress["documents_added"] == 5)
    }

    @Test func metadataAccessLevelAndFiltersReachTheVectors() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        var options = IngestOptions(namespace: "m", paths: [docs + "/handbook"])
        options.category = "handbook"
        options.accessLevel = .internal
        options.metadata = ["team": "platform", "year": "2026", "draft": "false"]
        _ = try await Ingestor(store: store, embedder: CountingEmbedder()).ingest(options)
        let query = CountingEmbedder.vector("rotate keys")
        let internalHits = try store.search("m", vector: query, k: 50, filter: try Filter.parse(json: #"{"team": "platform", "year": {"$gte": 2026}, "draft": false}"#),
                                           clearance: .internal)
        #expect(!internalHits.isEmpty)
        #expect(internalHits.allSatisfy { $0.metadata["category"] == .string("handbook") && $0.metadata["access_level"] == .string("internal") })
        #expect(try store.search("m", vector: query, k: 50, clearance: .public).isEmpty)
        let documents = try DocumentRepository(store: store).list(namespace: "m", clearance: .public)
        #expect(documents.isEmpty)
    }

    @Test func aNamespaceNeverMixesModels() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        _ = try await Ingestor(store: store, embedder: CountingEmbedder(modelID: "model-a")).ingest(IngestOptions(namespace: "x", paths: [docs]))
        await #expect { try await Ingestor(store: store, embedder: CountingEmbedder(modelID: "model-b")).ingest(IngestOptions(namespace: "x", paths: [docs])) } throws: {
            "\($0)".contains("model-a") && "\($0)".contains("model-b")
        }
        await #expect { try await Ingestor(store: store, embedder: CountingEmbedder(modelID: "model-a", dimension: 8)).ingest(IngestOptions(namespace: "x", paths: [docs])) } throws: {
            "\($0)".contains("16") && "\($0)".contains("8")
        }
    }

    @Test func anInterruptedJobIsMarkedFailedAndTheNextRunCompletesIt() async throws {
        let dir = TemporaryDirectory("ingest")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        // A job left `running` by a process that no longer exists (pid 2^22 + 1 is never a live pid here).
        try store.write { tx in
            try tx.execute("INSERT INTO jobs(id, kind, namespace, state, created_at, started_at, pid) VALUES ('job_dead', 'ingest', 'r', 'running', 1, 1, 4194305)")
        }
        let summary = try await Ingestor(store: store, embedder: CountingEmbedder()).ingest(IngestOptions(namespace: "r", paths: [docs]))
        #expect(summary.documentsAdded == 5)
        let dead = try #require(try JobStore(store: store).get("job_dead"))
        #expect(dead.state == .failed)
        #expect(dead.message?.contains("interrupted") == true)
    }
}
