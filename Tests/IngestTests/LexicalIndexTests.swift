import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

/// The BM25 index follows every chunk write (ingest, update, delete, prune, namespace drop), keeps per-namespace
/// statistics, reads user text literally, and is built for chunks written before it existed.
@Suite struct LexicalIndexTests {
    func chunkIDs(_ index: LexicalIndex, _ text: String, _ namespace: String) throws -> Set<String> {
        Set(try index.search(LexicalQuery(text), namespace: namespace, limit: nil).map(\.chunkID))
    }

    /// Every chunk row has exactly one index row, with the same text; and nothing else is indexed.
    func expectInStep(_ store: VectorStore, _ namespace: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let table = try #require(try LexicalIndex(store: store).tableName(namespace: namespace), sourceLocation: sourceLocation)
        let chunks = try store.query("SELECT id, text, heading_path, lexical_rowid FROM chunks WHERE namespace = ? ORDER BY id", [.text(namespace)])
        let indexed = try store.query("SELECT chunk_id, text, heading, rowid FROM \"\(table)\" ORDER BY chunk_id")
        #expect(chunks == indexed, "chunks and their BM25 rows differ", sourceLocation: sourceLocation)
        #expect(Set(chunks.map { $0[0] }) == Set(try store.ids(ofNamespace: namespace).map { SQLValue.text($0) }),
                "chunks and vectors differ", sourceLocation: sourceLocation)
    }

    @Test func followsIngestUpdateDeletePruneAndDrop() async throws {
        let dir = TemporaryDirectory("lexical")
        let docs = dir.file("docs")
        try writeCorpus(docs)
        let store = try openIngestStore(dir)
        let index = LexicalIndex(store: store)
        let ingestor = Ingestor(store: store, embedder: CountingEmbedder())
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        try expectInStep(store, "h")
        let keys = Hashing.documentID(namespace: "h", source: docs + "/handbook/keys.md")
        #expect(try chunkIDs(index, "revocation leaks", "h").contains { $0.hasPrefix(keys) })
        // Stemming: "rotating" finds "Rotate"/"Rotation".
        #expect(try chunkIDs(index, "rotating", "h").contains { $0.hasPrefix(keys) })

        // An edit replaces the document's rows: the old wording is gone, the new one is found.
        try """
            # Key management

            ## Rotation

            Rotate API keys every 90 days.

            ## Revocation

            Revoke a key at once when it leaks. Revoked keys are refused by the gateway.
            """.write(toFile: docs + "/handbook/keys.md", atomically: true, encoding: .utf8)
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [docs]))
        try expectInStep(store, "h")
        #expect(try chunkIDs(index, "gateway", "h").contains { $0.hasPrefix(keys) })
        #expect(try chunkIDs(index, "grace", "h").isEmpty)

        // Deleting a document deletes its rows.
        try DocumentRepository(store: store).delete(documentIDs: [keys], namespace: "h")
        try expectInStep(store, "h")
        #expect(try chunkIDs(index, "gateway revocation", "h").isEmpty)

        // Prune.
        try FileManager.default.removeItem(atPath: docs + "/notes/meeting.txt")
        var options = IngestOptions(namespace: "h", paths: [docs])
        options.prune = true
        _ = try await ingestor.ingest(options)
        try expectInStep(store, "h")
        #expect(try chunkIDs(index, "benchmark hybrid", "h").isEmpty)

        // Dropping the namespace (through the store, as any caller would) takes documents, chunks and the index
        // registration; the table goes at the next index write or `dropOrphans`.
        let table = try #require(try index.tableName(namespace: "h"))
        try store.dropNamespace("h")
        #expect(try index.tableName(namespace: "h") == nil)
        #expect(try store.query("SELECT COUNT(*) FROM chunks WHERE namespace = 'h'")[0][0] == .integer(0))
        #expect(try store.query("SELECT COUNT(*) FROM documents WHERE namespace = 'h'")[0][0] == .integer(0))
        try index.dropOrphans()
        #expect(try store.query("SELECT COUNT(*) FROM sqlite_master WHERE name = ?", [.text(table)])[0][0] == .integer(0))

        // A new namespace of the same name starts empty, with a new table; nothing of the old one comes back.
        try "Only one file about penguins.".write(toFile: dir.file("penguins.txt"), atomically: true, encoding: .utf8)
        _ = try await ingestor.ingest(IngestOptions(namespace: "h", paths: [dir.file("penguins.txt")]))
        #expect(try index.tableName(namespace: "h") != table)
        #expect(try chunkIDs(index, "rotate revoke install status", "h").isEmpty)
        #expect(try chunkIDs(index, "penguins", "h").count == 1)
        try expectInStep(store, "h")
    }

    @Test func statisticsArePerNamespace() throws {
        let dir = TemporaryDirectory("lexical")
        let store = try openIngestStore(dir)
        let repository = DocumentRepository(store: store)
        for namespace in ["a", "b"] { try store.createNamespace(namespace, dimension: 2) }
        let shared = [TextDocument(id: "d1", text: "zebra stripes and grass"), TextDocument(id: "d2", text: "lions sleep in grass")]
        try repository.put(shared, vectors: [[1, 0], [0, 1]], namespace: "a")
        try repository.put(shared, vectors: [[1, 0], [0, 1]], namespace: "b")
        let before = try LexicalIndex(store: store).search(LexicalQuery("zebra grass"), namespace: "a", limit: 10)
        #expect(before == (try LexicalIndex(store: store).search(LexicalQuery("zebra grass"), namespace: "b", limit: 10)))
        // Another tenant floods its namespace with "zebra": namespace a's scores do not move; b's do.
        try repository.put((0..<200).map { TextDocument(id: "z\($0)", text: "zebra zebra number \($0)") },
                           vectors: (0..<200).map { _ in [1, 1] }, namespace: "b")
        let after = try LexicalIndex(store: store).search(LexicalQuery("zebra grass"), namespace: "a", limit: 10)
        #expect(after == before)
        let flooded = try LexicalIndex(store: store).search(LexicalQuery("zebra grass"), namespace: "b", limit: 300)
        #expect(flooded.first { $0.chunkID == "d1" }?.score != before.first { $0.chunkID == "d1" }?.score)
    }

    @Test func userTextIsNeverFTS5Syntax() throws {
        let dir = TemporaryDirectory("lexical")
        let store = try openIngestStore(dir)
        try store.createNamespace("q", dimension: 2)
        try DocumentRepository(store: store).put([
            TextDocument(id: "near", text: "NEAR the river AND the OR gate"),
            TextDocument(id: "star", text: "a star is born; column text: value"),
            TextDocument(id: "quote", text: "he said \"hello\" (twice)"),
        ], vectors: [[1, 0], [0, 1], [1, 1]], namespace: "q")
        let index = LexicalIndex(store: store)
        let hostile = [
            "\"", "\"\"", "\"unbalanced", "NEAR(a b, 2)", "near", "a* OR b*", "*", "^start", "text: value", "column:star",
            "AND", "OR", "NOT", "a AND OR NOT b", "((()))", ")(", "-", "+", "{x y}", "\\", "'", "'; DROP TABLE chunks; --",
            "\u{0}", "é", "ﬁ", "½ ٣ 中文", "🙂", String(repeating: "long ", count: 900), "", "   ", "?!",
        ]
        for text in hostile {
            #expect(throws: Never.self, "query \(text.prefix(40))") { _ = try index.search(LexicalQuery(text), namespace: "q", limit: 10) }
        }
        // Operators are words like any other.
        #expect(try chunkIDs(index, "NEAR", "q") == ["near"])
        #expect(try chunkIDs(index, "\"hello\"", "q") == ["quote"])
        #expect(try chunkIDs(index, "star*", "q") == ["star"])
        #expect(try chunkIDs(index, "text: value", "q") == ["star"])
        // Random strings from an alphabet of FTS5 metacharacters never fail.
        var rng = SeededGenerator(seed: 17)
        let alphabet = Array("\"'*^:()-+{}[],.;NEARORANDNOT \\\t\n0éß")
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 1...30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(throws: Never.self, "query \(text)") { _ = try index.search(LexicalQuery(text), namespace: "q", limit: nil) }
        }
    }

    @Test func queryWordsAndStopWords() {
        #expect(LexicalQuery("The effect of Vitamin-D on bone's density?").terms == ["effect", "vitamin", "d", "bone", "s", "density"])
        #expect(LexicalQuery("to be or not to be").terms == ["to", "be", "or", "not", "to", "be"])
        #expect(LexicalQuery("  ?! ").matchExpression == nil)
        #expect(LexicalQuery("NEAR a*b").matchExpression == "\"near\" OR \"b\"")
    }

    @Test func chunksWrittenBeforeTheIndexExistedAreIndexedOnFirstUse() throws {
        let dir = TemporaryDirectory("lexical")
        let store = try openIngestStore(dir)
        try store.createNamespace("old", dimension: 2)
        // Rows as an older version wrote them: chunks without index rows.
        try store.write { tx in
            try tx.upsert([VectorRecord(id: "c1", documentID: "d", vector: [1, 0]), VectorRecord(id: "c2", documentID: "d", vector: [0, 1])], into: "old")
            for (id, text) in [("c1", "ancient scrolls"), ("c2", "modern tablets")] {
                try tx.execute("""
                    INSERT INTO chunks(namespace, id, document_id, ordinal, text, start_offset, end_offset, heading_path, token_count, text_hash)
                    VALUES ('old', ?, 'd', 0, ?, 0, 0, 'History', 2, '')
                    """, [.text(id), .text(text)])
            }
        }
        let index = LexicalIndex(store: store)
        #expect(try index.tableName(namespace: "old") == nil)
        #expect(try chunkIDs(index, "scrolls", "old") == ["c1"])
        #expect(try chunkIDs(index, "history", "old") == ["c1", "c2"])
        try expectInStep(store, "old")
        // Later writes get fresh rowids that never collide with the backfilled ones.
        try DocumentRepository(store: store).put([TextDocument(id: "c3", text: "papyrus scrolls")], vectors: [[1, 1]], namespace: "old")
        try expectInStep(store, "old")
        #expect(try chunkIDs(index, "scrolls", "old") == ["c1", "c3"])
        // A namespace of raw vectors (no chunks) has no index and no BM25 hits.
        try store.createNamespace("raw", dimension: 2)
        try store.upsert([VectorRecord(id: "v", vector: [1, 0])], into: "raw")
        #expect(try index.search(LexicalQuery("anything"), namespace: "raw", limit: 10).isEmpty)
        #expect(try index.prepare(namespace: "raw") == false)
        #expect(try index.tableName(namespace: "raw") == nil)
    }

    @Test func rankedSearchIsBestFirstAndLimited() throws {
        let dir = TemporaryDirectory("lexical")
        let store = try openIngestStore(dir)
        try store.createNamespace("r", dimension: 2)
        try DocumentRepository(store: store).put([
            TextDocument(id: "one", text: "apple"),
            TextDocument(id: "two", text: "apple apple banana"),
            TextDocument(id: "three", text: "banana cherry"),
            TextDocument(id: "four", text: "cherry"),
        ], vectors: [[1, 0], [0, 1], [1, 1], [1, 2]], namespace: "r")
        let index = LexicalIndex(store: store)
        let all = try index.search(LexicalQuery("apple banana"), namespace: "r", limit: 10)
        #expect(all.map(\.chunkID) == ["two", "one", "three"])
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(all.allSatisfy { $0.score > 0 })
        #expect(try index.search(LexicalQuery("apple banana"), namespace: "r", limit: 1).map(\.chunkID) == ["two"])
        let unordered = try index.search(LexicalQuery("apple banana"), namespace: "r", limit: nil)
        #expect(Set(unordered.map(\.chunkID)) == ["one", "two", "three"])
    }
}

extension VectorStore {
    /// Every record id of a namespace (test helper).
    func ids(ofNamespace namespace: String) throws -> [String] {
        try query("SELECT v.id FROM vectors v JOIN namespaces n ON n.id = v.namespace_id WHERE n.name = ?", [.text(namespace)])
            .compactMap { $0.first?.string }
    }
}
