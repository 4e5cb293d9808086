import Foundation
import Testing
import TestSupport
@testable import VectorStore

@Suite struct NamespaceTests {
    @Test func createListStatsDrop() throws {
        let dir = TemporaryDirectory("ns")
        let store = try VectorStore(directory: dir.path)
        let created = try store.createNamespace("handbook", dimension: 4).generation
        try store.createNamespace("a.b-c_9", dimension: 8)
        #expect(store.listNamespaces().map(\.name) == ["a.b-c_9", "handbook"])
        try store.upsert([VectorRecord(id: "x", vector: [1, 0, 0, 0]), VectorRecord(id: "y", vector: [0, 1, 0, 0])], into: "handbook")
        let info = try store.namespace("handbook")
        #expect(info.count == 2)
        #expect(info.dimension == 4)
        #expect(info.metric == "cosine")
        #expect(info.bytes >= 2 * 4 * 4)
        #expect(info.generation == created + 1)
        try store.dropNamespace("handbook")
        #expect(store.listNamespaces().map(\.name) == ["a.b-c_9"])
        #expect(throws: VectorStoreError.self) { try store.namespace("handbook") }
        // Created again, the namespace never repeats a generation of the dropped one (answer caches key on it).
        let again = try store.createNamespace("handbook", dimension: 4).generation
        #expect(again > info.generation)
        try store.dropNamespace("handbook")
        // Dropped for good: reopen and it is still gone, and its rows are gone from SQLite.
        let reopened = try VectorStore(directory: dir.path)
        #expect(reopened.listNamespaces().map(\.name) == ["a.b-c_9"])
        #expect(try reopened.query("SELECT COUNT(*) FROM vectors")[0][0] == .integer(0))
    }

    @Test(arguments: ["", "-lead", "_lead", "has space", "slash/", String(repeating: "x", count: 65), "émoji"])
    func invalidNamesAreRejected(name: String) throws {
        let dir = TemporaryDirectory("ns")
        let store = try VectorStore(directory: dir.path)
        do {
            try store.createNamespace(name, dimension: 4)
            Issue.record("accepted \(name)")
        } catch let error as VectorStoreError {
            #expect(error.code == .invalidNamespaceName)
            #expect(error.message.contains("\"\(name)\""))
        }
    }

    @Test func duplicateAndUnknownNamespaces() throws {
        let dir = TemporaryDirectory("ns")
        let store = try VectorStore(directory: dir.path)
        try store.createNamespace("n", dimension: 3)
        #expect { try store.createNamespace("n", dimension: 3) } throws: { ($0 as? VectorStoreError)?.code == .namespaceExists }
        #expect { try store.createNamespace("zero", dimension: 0) } throws: { ($0 as? VectorStoreError)?.code == .invalidArgument }
        #expect { try store.upsert([VectorRecord(id: "a", vector: [1, 2, 3])], into: "nope") } throws: {
            ($0 as? VectorStoreError)?.code == .namespaceNotFound && "\($0)".contains("nope")
        }
        #expect { try store.search("nope", vector: [1, 2, 3], k: 1) } throws: { ($0 as? VectorStoreError)?.code == .namespaceNotFound }
    }
}

@Suite struct BadInputTests {
    func makeStore() throws -> (VectorStore, TemporaryDirectory) {
        let dir = TemporaryDirectory("bad")
        let store = try VectorStore(directory: dir.path)
        try store.createNamespace("ns", dimension: 3)
        try store.upsert([VectorRecord(id: "keep", documentID: "d", vector: [1, 2, 3], metadata: ["category": .string("a")])], into: "ns")
        return (store, dir)
    }

    /// Each bad batch carries one good record too: the whole batch must be refused and the store unchanged.
    func expectRejected(_ store: VectorStore, _ records: [VectorRecord], code: VectorStoreError.Code, mentions: [String]) throws {
        let before = try store.namespace("ns")
        do {
            try store.upsert([VectorRecord(id: "good", vector: [0, 1, 0])] + records, into: "ns")
            Issue.record("batch accepted: \(records.map(\.id))")
        } catch let error as VectorStoreError {
            #expect(error.code == code, "\(error)")
            for word in mentions { #expect("\(error)".contains(word), "\(error) should mention \(word)") }
        }
        let after = try store.namespace("ns")
        #expect(after.count == before.count)
        #expect(after.generation == before.generation)
        #expect(try store.get(ids: ["good"], from: "ns").isEmpty)
        #expect(try store.query("SELECT COUNT(*) FROM vectors")[0][0] == .integer(1))
    }

    @Test func invalidVectorsAndIDs() throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        try expectRejected(store, [VectorRecord(id: "nan", vector: [1, .nan, 3])], code: .invalidVector, mentions: ["nan", "component 1"])
        try expectRejected(store, [VectorRecord(id: "inf", vector: [.infinity, 0, 3])], code: .invalidVector, mentions: ["inf"])
        try expectRejected(store, [VectorRecord(id: "zero", vector: [0, 0, 0])], code: .invalidVector, mentions: ["zero"])
        try expectRejected(store, [VectorRecord(id: "short", vector: [1, 2])], code: .dimensionMismatch, mentions: ["3", "2", "short"])
        try expectRejected(store, [VectorRecord(id: "", vector: [1, 2, 3])], code: .invalidID, mentions: ["empty"])
        try expectRejected(store, [VectorRecord(id: "twice", vector: [1, 2, 3]), VectorRecord(id: "twice", vector: [3, 2, 1])],
                           code: .duplicateID, mentions: ["twice"])
        try expectRejected(store, [VectorRecord(id: "lvl", vector: [1, 2, 3], metadata: ["access_level": .string("secret")])],
                           code: .invalidMetadata, mentions: ["access_level", "secret"])
        try expectRejected(store, [VectorRecord(id: "ts", vector: [1, 2, 3], metadata: ["created_at": .string("yesterday")])],
                           code: .invalidMetadata, mentions: ["created_at", "yesterday"])
        try expectRejected(store, [VectorRecord(id: "cat", vector: [1, 2, 3], metadata: ["category": .number(3)])],
                           code: .invalidMetadata, mentions: ["category"])
        try expectRejected(store, [VectorRecord(id: "dollar", vector: [1, 2, 3], metadata: ["$where": .string("x")])],
                           code: .invalidMetadata, mentions: ["$where"])
    }

    @Test func invalidQueries() throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        #expect { try store.search("ns", vector: [1, 2], k: 1) } throws: {
            ($0 as? VectorStoreError)?.code == .dimensionMismatch && "\($0)".contains("expects dimension 3, got 2")
        }
        #expect { try store.search("ns", vector: [0, 0, 0], k: 1) } throws: { ($0 as? VectorStoreError)?.code == .invalidVector }
        #expect { try store.search("ns", vector: [1, .nan, 0], k: 1) } throws: { ($0 as? VectorStoreError)?.code == .invalidVector }
        #expect { try store.search("ns", vector: [1, 0, 0], k: 0) } throws: { ($0 as? VectorStoreError)?.code == .invalidArgument }
    }

    @Test(arguments: [
        (#"{"category": "#, "not valid JSON"),
        (#"[1, 2]"#, "must be a JSON object"),
        (#"{"category": {"$regex": "a.*"}}"#, "$regex"),
        (#"{"$xor": []}"#, "$xor"),
        (#"{"$and": []}"#, "non-empty"),
        (#"{"$and": {"a": 1}}"#, "$and"),
        (#"{"n": {"$in": 3}}"#, "needs a list"),
        (#"{"n": {"$gt": true}}"#, "number or a string"),
        (#"{"n": {"$exists": 1}}"#, "true or false"),
        (#"{"n": {"nested": 1}}"#, "nested"),
        (#"{"n": null}"#, "\"n\""),
        (#"{"category": {"$contains": 5}}"#, "$contains"),
    ])
    func malformedFiltersAreClearErrors(text: String, mention: String) throws {
        do {
            _ = try Filter.parse(json: text)
            Issue.record("accepted \(text)")
        } catch let error as VectorStoreError {
            #expect(error.code == .invalidFilter)
            #expect(error.message.contains(mention), "\(error.message) should mention \(mention)")
        }
    }

    @Test func typeMismatchesNameTheField() throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        try store.upsert([VectorRecord(id: "n1", vector: [1, 1, 1], metadata: ["n": .number(3)])], into: "ns")
        for (text, mention) in [(#"{"n": {"$gt": "abc"}}"#, "\"n\""), (#"{"category": 5}"#, "\"category\""),
                                (#"{"access_level": "secret"}"#, "access_level"), (#"{"created_at": {"$gt": "soon"}}"#, "created_at"),
                                (#"{"n": true}"#, "\"n\"")] {
            let filter = try Filter.parse(json: text)
            #expect { try store.search("ns", vector: [1, 0, 0], k: 3, filter: filter) } throws: {
                ($0 as? VectorStoreError)?.code == .invalidFilter && "\($0)".contains(mention)
            }
        }
    }
}

@Suite struct PersistenceTests {
    @Test func writeCloseReopenGivesSameResults() throws {
        let dir = TemporaryDirectory("persist")
        let vectors = SyntheticVectors.clustered(count: 800, dimension: 32, clusters: 5, seed: 21)
        let queries = SyntheticVectors.random(count: 4, dimension: 32, seed: 22)
        let filter = try Filter.parse(json: #"{"$or": [{"category": "c1"}, {"tags": {"$contains": "x"}}]}"#)
        var before: [[SearchResult]] = []
        var created: Int64 = 0
        do {
            let store = try VectorStore(directory: dir.path)
            created = try store.createNamespace("p", dimension: 32, model: "test-model").generation
            try store.upsert(vectors.enumerated().map { i, v in
                VectorRecord(id: "id\(i)", documentID: "doc\(i % 40)", vector: v, metadata: [
                    "category": .string("c\(i % 3)"), "tags": .strings(i % 2 == 0 ? ["x", "y"] : ["y"]),
                    "created_at": .string("2026-01-02T03:04:05Z"), "score": .number(Double(i) / 7), "ok": .bool(i % 5 == 0),
                    "access_level": .string(["public", "internal", "restricted"][i % 3]),
                ])
            }, into: "p")
            try store.delete(ids: ["id3", "id4", "missing"], from: "p")
            try store.delete(documentID: "doc7", from: "p")
            try store.upsert([VectorRecord(id: "id5", vector: vectors[0], metadata: ["category": .string("c1")])], into: "p")
            before = try store.search("p", vectors: queries, k: 25, filter: filter, clearance: .internal)
            #expect(try store.namespace("p").count == 800 - 2 - 20)
        }
        let store = try VectorStore(directory: dir.path)
        let info = try store.namespace("p")
        #expect(info.count == 800 - 2 - 20)
        #expect(info.model == "test-model")
        #expect(info.generation == created + 4)
        let after = try store.search("p", vectors: queries, k: 25, filter: filter, clearance: .internal)
        #expect(after.map { $0.map(\.id) } == before.map { $0.map(\.id) })
        for (a, b) in zip(after.joined(), before.joined()) {
            #expect(a.score == b.score)
            #expect(a.metadata == b.metadata)
        }
        let record = try #require(try store.get(ids: ["id10"], from: "p").first)
        #expect(record.metadata["created_at"] == .string("2026-01-02T03:04:05Z"))
        #expect(record.metadata["tags"] == .strings(["x", "y"]))
        #expect(record.documentID == "doc10")
        #expect(try store.ids(ofDocument: "doc7", in: "p").isEmpty)
    }

    @Test func deleteByFilterAndDocument() throws {
        let dir = TemporaryDirectory("delete")
        let store = try VectorStore(directory: dir.path)
        try store.createNamespace("d", dimension: 2)
        try store.upsert((0..<30).map { VectorRecord(id: "v\($0)", documentID: "doc\($0 % 3)", vector: [1, Float($0)], metadata: ["n": .number(Double($0))]) }, into: "d")
        #expect(try store.delete(matching: try Filter.parse(json: #"{"n": {"$gte": 20}}"#), from: "d") == 10)
        #expect(try store.delete(documentID: "doc0", from: "d") == 7)
        let reopened = try VectorStore(directory: dir.path)
        let left = try reopened.search("d", vector: [1, 0], k: 100)
        #expect(left.count == 13)
        #expect(left.allSatisfy { $0.documentID != "doc0" && ($0.metadata["n"] ?? .number(99)) != .number(25) })
    }

    @Test func newerSchemaIsRefused() throws {
        let dir = TemporaryDirectory("schema")
        _ = try VectorStore(directory: dir.path)
        var config = VectorStore.Configuration()
        config.migrations = [Migration("othermodule.v1.tables", "CREATE TABLE other(x)")]
        _ = try VectorStore(directory: dir.path, configuration: config)
        // Another module's tables are no obstacle to a store that does not use them.
        _ = try VectorStore(directory: dir.path)
        // A migration of the store's own module that this build does not know: written by a newer version.
        var newer = VectorStore.Configuration()
        newer.migrations = [Migration("vectorstore.v99.future", "CREATE TABLE future(x)")]
        _ = try VectorStore(directory: dir.path, configuration: newer)
        #expect { try VectorStore(directory: dir.path) } throws: {
            ($0 as? VectorStoreError)?.code == .schemaTooNew && "\($0)".contains("vectorstore.v99.future")
        }
    }
}

@Suite struct ConcurrencyTests {
    /// Searches run while a writer commits batches; a search sees a batch entirely or not at all.
    @Test func searchesNeverSeeHalfABatch() async throws {
        let dir = TemporaryDirectory("concurrent")
        let store = try VectorStore(directory: dir.path)
        try store.createNamespace("c", dimension: 8)
        let batches = 40, perBatch = 25
        let vectors = SyntheticVectors.random(count: batches * perBatch, dimension: 8, seed: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in 0..<batches {
                    try store.upsert((0..<perBatch).map { i in
                        VectorRecord(id: "b\(b)-\(i)", vector: vectors[b * perBatch + i], metadata: ["batch": .number(Double(b))])
                    }, into: "c")
                }
            }
            for reader in 0..<3 {
                group.addTask {
                    var rng = SeededGenerator(seed: UInt64(reader))
                    for _ in 0..<300 {
                        let b = Int.random(in: 0..<batches, using: &rng)
                        let hits = try store.search("c", vector: vectors[0], k: 100, filter: .field("batch", .eq(.number(Double(b)))))
                        #expect(hits.count == 0 || hits.count == perBatch, "saw \(hits.count) of batch \(b)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.namespace("c").count == batches * perBatch)
    }
}
