import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

/// An encrypted store's BM25 index: in memory only (no FTS5 table in the file), equal row for row to the
/// decrypted chunks through ingest, edit, delete, prune and namespace drop, kept in step by applying each
/// committed change rather than rebuilding.
@Suite struct EncryptedLexicalTests {
    static func open(_ dir: TemporaryDirectory, key: EncryptionKey) throws -> VectorStore {
        var configuration = VectorStore.Configuration()
        configuration.migrations = IngestSchema.migrations
        configuration.encryptionKey = key
        return try VectorStore(directory: dir.path, configuration: configuration)
    }

    /// The in-memory index holds exactly the chunks (decrypted), with the chunks' own rowids; returns the
    /// database object that holds it (to tell an applied change from a rebuild).
    @discardableResult
    func expectInStep(_ store: VectorStore, _ namespace: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ObjectIdentifier? {
        let repository = DocumentRepository(store: store)
        var chunks: [[SQLValue]] = []
        for row in try store.query("SELECT rowid, id, document_id FROM chunks WHERE namespace = ? ORDER BY id", [.text(namespace)]) {
            let chunk = try #require(try repository.chunks(namespace: namespace, ids: [row[1].string!])[row[1].string!])
            chunks.append([row[1], .text(chunk.text), .text(chunk.headingPath), row[0]])
        }
        let (indexed, database) = try #require(try LexicalMemory.of(store).withIndex(store: store, namespace: namespace) { database in
            (try database.query("SELECT chunk_id, text, heading, rowid FROM \(LexicalMemory.table) ORDER BY chunk_id"), ObjectIdentifier(database))
        }, sourceLocation: sourceLocation)
        #expect(chunks == indexed, "chunks and their in-memory BM25 rows differ", sourceLocation: sourceLocation)
        #expect(try store.query("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'lexical\\_%' ESCAPE '\\' AND name != 'lexical_indexes'")[0][0]
                == .integer(0), "an FTS5 table reached the file", sourceLocation: sourceLocation)
        return database
    }

    func chunkIDs(_ store: VectorStore, _ text: String, _ namespace: String = "h") throws -> Set<String> {
        Set(try LexicalIndex(store: store).search(LexicalQuery(text), namespace: namespace, limit: nil).map(\.chunkID))
    }

    @Test func followsIngestUpdateDeletePruneAndDropInMemory() async throws {
        let dir = TemporaryDirectory("lexical-enc")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let key = try randomEncryptionKey()
        let store = try Self.open(dir, key: key)
        let ingestor = Ingestor(store: store, embedder: CountingEmbedder())
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        let built = try expectInStep(store, "h")
        let keys = Hashing.documentID(namespace: "h", source: docs + "/handbook/keys.md")
        #expect(try chunkIDs(store, "revocation leaks").contains { $0.hasPrefix(keys) })
        #expect(try chunkIDs(store, "rotating").contains { $0.hasPrefix(keys) })

        // An edit is applied to the index after its commit: same database, new rows.
        try """
            # Key management

            ## Revocation

            Revoke a key at once when it leaks. Revoked keys are refused by the gateway.
            """.write(toFile: docs + "/handbook/keys.md", atomically: true, encoding: .utf8)
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        #expect(try expectInStep(store, "h") == built, "the edit rebuilt the index instead of applying the change")
        #expect(try chunkIDs(store, "gateway").contains { $0.hasPrefix(keys) })
        #expect(try chunkIDs(store, "grace").isEmpty)

        try DocumentRepository(store: store).delete(documentIDs: [keys], namespace: "h")
        #expect(try expectInStep(store, "h") == built)
        #expect(try chunkIDs(store, "gateway revocation").isEmpty)

        try FileManager.default.removeItem(atPath: docs + "/notes/meeting.txt")
        var options = IngestOptions(namespace: "h", paths: [docs])
        options.prune = true
        _ = try await ingestor.ingest(options)
        #expect(try expectInStep(store, "h") == built)
        #expect(try chunkIDs(store, "benchmark hybrid").isEmpty)

        // A dropped namespace has no index; one created again under its name starts empty.
        try store.dropNamespace("h")
        #expect(try LexicalMemory.of(store).withIndex(store: store, namespace: "h") { _ in true } == nil)
        try LexicalIndex(store: store).dropOrphans()
        try "Only one file about penguins.".write(toFile: dir.file("penguins.txt"), atomically: true, encoding: .utf8)
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [dir.file("penguins.txt")]))
        #expect(try chunkIDs(store, "rotate revoke install status").isEmpty)
        #expect(try chunkIDs(store, "penguins").count == 1)
        try expectInStep(store, "h")

        // Another opener's write (a CLI ingest beside a server) is picked up by a rebuild.
        let before = try expectInStep(store, "h")
        try "Otters hold hands while they sleep.".write(toFile: dir.file("otters.txt"), atomically: true, encoding: .utf8)
        let other = try Self.open(dir, key: key)
        _ = try await Ingestor(store: other, embedder: CountingEmbedder()).ingest(IngestOptions(namespace: "h", paths: [dir.file("otters.txt")]))
        #expect(try chunkIDs(store, "otters").count == 1)
        #expect(try expectInStep(store, "h") != before)
    }
}
