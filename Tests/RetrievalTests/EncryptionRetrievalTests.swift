import Foundation
import Ingest
import Testing
import TestSupport
@testable import VectorStore
@testable import Retrieval

/// Encryption at rest through the whole engine: nothing readable on disk after ingest, search and an answered,
/// cached, logged and rated query; BM25 and hybrid equal to an unencrypted store through edits, deletes, reopen
/// and another opener's writes; altered chunk text is an error naming the chunk.
@Suite struct EncryptionRetrievalTests {
    /// Words that appear nowhere but in the documents, the question, the answer and the comment below.
    static let markers = ["zephyrine", "quokkaledger", "marmalade-7741", "Vexillology Charter", "obsidian turnip"]

    static let documents: [String: String] = [
        "ledger.md": """
            # Vexillology Charter

            ## Where the quokkaledger lives

            The quokkaledger is kept in the zephyrine vault behind the obsidian turnip. Only two people hold marmalade-7741 badges.

            ## Rotation

            Every quarter the zephyrine vault codes rotate, and the obsidian turnip is inspected for tampering.
            """,
        "notes.txt": "Meeting notes.\n\nThe zephyrine vault audit found the quokkaledger intact and the marmalade-7741 badges accounted for.\n",
    ]

    /// Ingests Fixtures/docs plus the marker documents, answers a question through a scripted LLM (semantic
    /// cache + query log), rates it with a comment, searches every mode, checkpoints. Returns what a scan of
    /// the data directory must not find when the store is encrypted (and must find when it is not).
    static func exercise(dataDir: TemporaryDirectory, key: EncryptionKey?) async throws -> (probes: [String], answer: String) {
        let docs = TemporaryDirectory("enc-docs")
        for (name, text) in documents { try text.write(toFile: docs.file(name), atomically: true, encoding: .utf8) }
        let store = try openRetrievalStore(dataDir, key: key)
        let embedder = MappedEmbedder(dimension: 16)
        let ingestor = Ingestor(store: store, embedder: embedder)
        _ = try await ingestor.ingest(IngestOptions(namespace: "handbook", paths: [RepositoryPaths.root().appendingPathComponent("Fixtures/docs").path]))
        _ = try await ingestor.ingest(IngestOptions(namespace: "handbook", paths: [docs.path]))

        let upstream = try ScriptedUpstream.start()
        let engine = try QueryEngine(store: store, embedder: embedder,
                                     configuration: QueryEngineTests.configuration([QueryEngineTests.provider(upstream)]))
        let answerText = "The quokkaledger sits in the zephyrine vault behind the obsidian turnip [1]."
        try upstream.script(path: "/v1/chat/completions", actions: [["content": answerText]])
        let question = "Where is the zephyrine quokkaledger kept?"
        var request = QueryRequest(query: question, namespace: "handbook")
        request.topK = 3
        let answer = try await engine.answer(request)
        #expect(answer.answer == answerText)
        #expect(answer.sources.contains { $0.text.contains("quokkaledger") })
        try engine.log.recordFeedback(queryID: answer.queryID, rating: 5, comment: "Vexillology Charter answer was right about marmalade-7741")
        let searcher = Searcher(store: store, embedder: embedder)
        for mode in SearchMode.allCases {
            var search = SearchRequest(query: "obsidian turnip zephyrine", namespace: "handbook")
            search.mode = mode
            #expect(try await searcher.search(search).contains { $0.text.contains("obsidian turnip") }, "\(mode)")
        }
        // Everything the engine stored that came from the documents or the users, read back in plaintext.
        let repository = DocumentRepository(store: store)
        var probes = markers + [question, answerText, "Vexillology Charter answer was right"]
        for document in try repository.list(namespace: "handbook") {
            probes.append(document.title)
            for chunk in try repository.chunks(namespace: "handbook", documentID: document.id) {
                probes += DiskScan.probes(chunk.text) + [chunk.headingPath]
            }
        }
        #expect(probes.count > 40)
        try store.checkpoint()
        return (probes.filter { $0.count >= 6 }, answerText)
    }

    @Test func encryptedStoresContainNoPlaintextChunkText() async throws {
        let key = try randomEncryptionKey()
        let encrypted = TemporaryDirectory("enc-scan")
        let (probes, answer) = try await Self.exercise(dataDir: encrypted, key: key)
        let leaks = DiskScan.occurrences(of: probes, under: encrypted.path)
        #expect(leaks.isEmpty, "plaintext on disk: \(leaks.keys.sorted().prefix(10)) in \(Set(leaks.values.flatMap { $0 }))")
        #expect(DiskScan.files(under: encrypted.path).contains { $0.path.hasSuffix("store.sqlite") && $0.bytes.count > 10_000 })

        // The same run without a key leaves every one of them readable: the scan can fail.
        let plain = TemporaryDirectory("enc-scan-plain")
        let (plainProbes, _) = try await Self.exercise(dataDir: plain, key: nil)
        let found = DiskScan.occurrences(of: plainProbes, under: plain.path)
        for needle in Self.markers + [answer] { #expect(found[needle] != nil, "\(needle) not found in the plaintext store") }
        #expect(Double(found.count) >= 0.9 * Double(Set(plainProbes).count), "\(found.count) of \(Set(plainProbes).count)")

        // Reopened with its key, the encrypted store still answers from its (sealed) semantic cache and log.
        let store = try openRetrievalStore(encrypted, key: key)
        // The same provider settings (the model is part of the cache scope); a semantic hit never calls it.
        let provider = LLMProviderConfiguration(name: "primary", kind: .openai, baseURL: "http://127.0.0.1:9", model: "scripted-llm", timeout: 10)
        let engine = try QueryEngine(store: store, embedder: MappedEmbedder(dimension: 16),
                                     configuration: QueryEngineTests.configuration([provider]))
        var request = QueryRequest(query: "Where is the zephyrine quokkaledger kept?", namespace: "handbook")
        request.topK = 3
        let again = try await engine.answer(request)
        #expect(again.cacheLayer == "semantic" && again.answer == answer)
        let logged = try engine.log.recent(limit: 10)
        #expect(logged.contains { $0.queryText == "Where is the zephyrine quokkaledger kept?" })
        #expect(try engine.log.feedback(for: logged.last!.id).first?.comment?.contains("marmalade-7741") == true)
    }

    @Test func everyModuleRegistersTheColumnsItSeals() throws {
        let store = try openRetrievalStore(TemporaryDirectory("enc-registry"))
        let registered = Set(try store.writer.encryptedColumns())
        let declared = Set([EncryptedColumn.vectorsVector, .vectorsMetadata] + IngestSchema.encryptedColumns + RetrievalSchema.encryptedColumns)
        #expect(registered == declared)
    }

    /// BM25 results (ids and exact scores) and hybrid rankings of an encrypted store equal those of a plaintext
    /// store given the same writes: after the first build, after edits and deletes (applied to the in-memory
    /// index after each commit), after a reopen, and after another opener wrote to the namespace.
    @Test func bm25AndHybridEqualAnUnencryptedStore() async throws {
        let key = try randomEncryptionKey()
        let plain = try SearchModesTests.makeCorpus(count: 300, seed: 77)
        let sealed = try SearchModesTests.makeCorpus(count: 300, seed: 77, key: key)
        #expect(sealed.store.isEncrypted && !plain.store.isEncrypted)
        var rng = SeededGenerator(seed: 4)
        let queries = (0..<20).map { _ in
            (0..<Int.random(in: 1...4, using: &rng)).map { _ in SearchModesTests.vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
        }
        func compare(_ a: VectorStore, _ b: VectorStore, _ label: String) async throws {
            for query in queries {
                let lexicalA = try LexicalIndex(store: a).search(LexicalQuery(query), namespace: "ns", limit: nil)
                let lexicalB = try LexicalIndex(store: b).search(LexicalQuery(query), namespace: "ns", limit: nil)
                #expect(!lexicalA.isEmpty)
                #expect(lexicalA == lexicalB, "\(label): \(query)")
                for mode in [SearchMode.bm25, .hybrid] {
                    for (filter, _) in SearchModesTests.filters.prefix(3) {
                        var request = SearchRequest(query: query, namespace: "ns")
                        request.mode = mode
                        request.topK = 20
                        request.filter = try Filter.parse(json: filter)
                        request.clearance = .internal
                        let hitsA = try await Searcher(store: a, embedder: MappedEmbedder(dimension: 8)).search(request)
                        let hitsB = try await Searcher(store: b, embedder: MappedEmbedder(dimension: 8)).search(request)
                        #expect(hitsA.map { "\($0.chunkID) \($0.score) \($0.text)" } == hitsB.map { "\($0.chunkID) \($0.score) \($0.text)" },
                                "\(label): \(mode) \(query) \(filter)")
                    }
                }
            }
        }
        try await compare(plain.store, sealed.store, "first build")

        // Edits and deletes through the same calls on both stores.
        var rngEdit = SeededGenerator(seed: 9)
        let edited = (0..<40).map { i in
            TextDocument(id: String(format: "c%04d", i * 7), text: (0..<12).map { _ in SearchModesTests.vocabulary.randomElement(using: &rngEdit)! }
                .joined(separator: " "), metadata: ["category": .string("red"), "access_level": .string("public"), "n": .number(1)])
        }
        let vectors = SyntheticVectors.random(count: edited.count, dimension: 8, seed: 5)
        let deleted = (0..<30).map { String(format: "c%04d", 250 + $0) }
        for store in [plain.store, sealed.store] {
            try DocumentRepository(store: store).put(edited, vectors: vectors, namespace: "ns")
            try DocumentRepository(store: store).delete(documentIDs: deleted, namespace: "ns")
        }
        try await compare(plain.store, sealed.store, "after edits")

        // Reopened: the in-memory index is rebuilt from the sealed chunks.
        let reopened = try openRetrievalStore(sealed.dir, key: key)
        try await compare(plain.store, reopened, "reopened")

        // Another opener (as a CLI ingest beside a running server) writes: the namespace generation moves on,
        // and the first opener's index is rebuilt to include it, as its plaintext twin reads it from disk.
        let late = [TextDocument(id: "late", text: "qq qq xz zz late", metadata: ["access_level": .string("public")])]
        for dir in [plain.dir, sealed.dir] {
            let other = try openRetrievalStore(dir, key: dir === sealed.dir ? key : nil)
            try DocumentRepository(store: other).put(late, vectors: [[1, 0, 0, 0, 0, 0, 0, 0]], namespace: "ns")
        }
        for query in ["qq xz", "late", "zz qq"] {
            let a = try LexicalIndex(store: plain.store).search(LexicalQuery(query), namespace: "ns", limit: nil)
            let b = try LexicalIndex(store: reopened).search(LexicalQuery(query), namespace: "ns", limit: nil)
            #expect(a == b, "another opener: \(query)")
            #expect(b.contains { $0.chunkID == "late" })
        }
    }

    @Test func alteredChunkTextIsAnErrorNamingTheChunk() async throws {
        let key = try randomEncryptionKey()
        let corpus = try SearchModesTests.makeCorpus(count: 50, seed: 3, key: key)
        let sealed = try #require(try corpus.store.query("SELECT text FROM chunks WHERE id = 'c0007'").first?.first?.bytes)
        var flipped = sealed
        flipped[40] ^= 0x80
        try corpus.store.write { tx in try tx.execute("UPDATE chunks SET text = ? WHERE id = 'c0007'", [.blob(flipped)]) }
        let reopened = try openRetrievalStore(corpus.dir, key: key)
        var request = SearchRequest(query: corpus.documents[7].text, namespace: "ns")
        request.topK = 50   // every chunk, so the altered one is among the hits whatever the mode ranks
        for mode in SearchMode.allCases {
            request.mode = mode
            await #expect { _ = try await Searcher(store: reopened, embedder: MappedEmbedder(dimension: 8)).search(request) } throws: { error in
                (error as? VectorStoreError)?.code == .decryptionFailed && "\(error)".contains("chunks.text") && "\(error)".contains("\"c0007\"")
            }
        }
        #expect { try DocumentRepository(store: reopened).chunks(namespace: "ns", documentID: "c0007") } throws: {
            ($0 as? VectorStoreError)?.code == .decryptionFailed
        }
    }
}
