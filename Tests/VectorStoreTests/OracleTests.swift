import Foundation
import Testing
import TestSupport
@testable import VectorStore

/// Search must equal a brute-force scan of the matching, visible subset: same ids, scores within 1e-5.
@Suite struct OracleTests {
    static let dimension = 48
    static let categories = ["alpha", "beta", "gamma", "delta", "epsilon"]
    static let levels = ["public", "internal", "restricted"]

    struct Fixture {
        let store: VectorStore
        let records: [VectorRecord]   // as given, with stored-form metadata for the oracle
        let directory: TemporaryDirectory
    }

    static func makeFixture(clustered: Bool, count: Int = 3000, seed: UInt64) throws -> Fixture {
        let directory = TemporaryDirectory("oracle")
        let store = try VectorStore(directory: directory.path)
        try store.createNamespace("docs", dimension: dimension)
        let vectors = clustered
            ? SyntheticVectors.clustered(count: count, dimension: dimension, clusters: 12, seed: seed)
            : SyntheticVectors.random(count: count, dimension: dimension, seed: seed)
        var rng = SeededGenerator(seed: seed ^ 0xABCDEF)
        var records: [VectorRecord] = []
        for (i, vector) in vectors.enumerated() {
            var metadata: Metadata = [
                "category": .string(categories[Int.random(in: 0..<categories.count, using: &rng)]),
                "access_level": .string(levels[Int.random(in: 0..<3, using: &rng)]),
                "n": .number(Double(Int.random(in: 0..<100, using: &rng))),
                "created_at": .string(String(format: "2026-0%d-%02dT10:00:00Z", Int.random(in: 1...9, using: &rng), Int.random(in: 1...28, using: &rng))),
            ]
            if i % 3 == 0 { metadata["flag"] = .bool(i % 2 == 0) }
            if i % 4 != 1 {
                metadata["tags"] = .strings((0..<Int.random(in: 0...3, using: &rng)).map { _ in "t\(Int.random(in: 0..<6, using: &rng))" })
            }
            if i % 5 == 0 { metadata["language"] = .string(["en", "de", "fr"][i % 3]) }
            records.append(VectorRecord(id: String(format: "r%05d", i), documentID: "doc\(i / 7)", vector: vector, metadata: metadata))
        }
        for batch in stride(from: 0, to: records.count, by: 700) {
            try store.upsert(Array(records[batch..<min(batch + 700, records.count)]), into: "docs")
        }
        return Fixture(store: store, records: records, directory: directory)
    }

    static let filters: [String] = [
        "",
        #"{"category": "alpha"}"#,
        #"{"category": {"$eq": "beta"}}"#,
        #"{"category": {"$ne": "beta"}}"#,
        #"{"category": {"$in": ["alpha", "gamma"]}}"#,
        #"{"category": {"$nin": ["alpha", "gamma"]}}"#,
        #"{"n": {"$lt": 10}}"#,
        #"{"n": {"$lte": 10}}"#,
        #"{"n": {"$gt": 90}}"#,
        #"{"n": {"$gte": 30, "$lt": 35}}"#,
        #"{"n": 42}"#,
        #"{"created_at": {"$gte": "2026-05-01T00:00:00Z"}}"#,
        #"{"created_at": {"$lt": "2026-03-15T00:00:00Z"}}"#,
        #"{"tags": {"$contains": "t3"}}"#,
        #"{"tags": "t1"}"#,
        #"{"tags": {"$exists": false}}"#,
        #"{"flag": true}"#,
        #"{"flag": {"$exists": true}}"#,
        #"{"flag": {"$ne": true}}"#,
        #"{"language": {"$exists": true}}"#,
        #"{"language": {"$in": ["de", "fr"]}}"#,
        #"{"access_level": "internal"}"#,
        #"{"access_level": {"$lte": "internal"}}"#,
        #"{"document_id": "doc7"}"#,
        #"{"document_id": {"$in": ["doc1", "doc2", "doc300"]}}"#,
        #"{"id": {"$in": ["r00001", "r00002", "r02999"]}}"#,
        #"{"$and": [{"category": "alpha"}, {"n": {"$gte": 50}}]}"#,
        #"{"$or": [{"category": "delta"}, {"tags": {"$contains": "t0"}}]}"#,
        #"{"$not": {"category": {"$in": ["alpha", "beta"]}}}"#,
        #"{"$or": [{"$and": [{"flag": false}, {"n": {"$lt": 50}}]}, {"$not": {"tags": {"$exists": true}}}]}"#,
        #"{"category": "gamma", "n": {"$gt": 20}, "tags": {"$contains": "t2"}}"#,
        #"{"category": "nonexistent"}"#,
        #"{"missing_key": {"$exists": false}}"#,
    ]

    /// Brute force over the records that match and are visible.
    static func bruteForce(_ fixture: Fixture, query: [Float], k: Int, filter: Filter, clearance: AccessLevel) -> [(String, Double)] {
        fixture.records.compactMap { record -> (String, Double)? in
            var stored = record.metadata
            if case .string(let text)? = stored["created_at"] { stored["created_at"] = .number(Timestamp.parse(text)!) }
            guard case .string(let level)? = stored["access_level"], FilterOracle.rank(level) <= Int(clearance.rank),
                  FilterOracle.matches(filter, id: record.id, documentID: record.documentID, metadata: stored)
            else { return nil }
            return (record.id, SyntheticVectors.cosine(query, record.vector))
        }
        .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        .prefix(k).map { $0 }
    }

    /// Same ids in order, except where the oracle's own scores tie within tolerance; scores within 1e-5.
    static func expectSame(_ got: [SearchResult], _ want: [(String, Double)], _ label: String) {
        #expect(got.count == want.count, "\(label): \(got.count) results, oracle has \(want.count)")
        for (i, (hit, truth)) in zip(got, want).enumerated() {
            #expect(abs(Double(hit.score) - truth.1) < 1e-5, "\(label) #\(i): score \(hit.score) vs \(truth.1)")
            let nearTie = (i > 0 && abs(want[i - 1].1 - truth.1) < 1e-5) || (i + 1 < want.count && abs(want[i + 1].1 - truth.1) < 1e-5)
            if !nearTie { #expect(hit.id == truth.0, "\(label) #\(i): \(hit.id) vs \(truth.0)") }
        }
        #expect(Set(got.map(\.id)).count == got.count, "\(label): duplicate ids in results")
    }

    @Test(arguments: [false, true])
    func everyOperatorAndClearanceMatchesBruteForce(clustered: Bool) throws {
        let fixture = try Self.makeFixture(clustered: clustered, seed: clustered ? 7 : 3)
        let queries = SyntheticVectors.random(count: 2, dimension: Self.dimension, seed: 99)
        for text in Self.filters {
            let filter = try Filter.parse(json: text)
            for clearance in AccessLevel.allCases {
                for k in [1, 10, 250] {
                    let batch = try fixture.store.search("docs", vectors: queries, k: k, filter: filter, clearance: clearance)
                    for (q, query) in queries.enumerated() {
                        let want = Self.bruteForce(fixture, query: query, k: k, filter: filter, clearance: clearance)
                        let single = try fixture.store.search("docs", vector: query, k: k, filter: filter, clearance: clearance)
                        Self.expectSame(single, want, "single \(text) \(clearance) k=\(k)")
                        Self.expectSame(batch[q], want, "batch \(text) \(clearance) k=\(k)")
                    }
                }
            }
        }
    }

    @Test func clearanceNeverLeaksRowsAboveIt() throws {
        let fixture = try Self.makeFixture(clustered: true, count: 1200, seed: 11)
        let query = SyntheticVectors.random(count: 1, dimension: Self.dimension, seed: 5)[0]
        for clearance in AccessLevel.allCases {
            let hits = try fixture.store.search("docs", vector: query, k: 1200, clearance: clearance)
            let allowed = fixture.records.filter {
                guard case .string(let level)? = $0.metadata["access_level"] else { return false }
                return FilterOracle.rank(level) <= Int(clearance.rank)
            }
            #expect(hits.count == allowed.count)
            for hit in hits {
                guard case .string(let level)? = hit.metadata["access_level"] else { Issue.record("no level"); continue }
                #expect(FilterOracle.rank(level) <= Int(clearance.rank))
            }
        }
    }

    @Test func filtersApplyBeforeTopK() throws {
        // 1% of rows match; k = 20 must still return 20 rows, never fewer because of post-filtering.
        let directory = TemporaryDirectory("prefilter")
        let store = try VectorStore(directory: directory.path)
        try store.createNamespace("ns", dimension: 16)
        let vectors = SyntheticVectors.random(count: 5000, dimension: 16, seed: 1)
        try store.upsert(vectors.enumerated().map { i, v in
            VectorRecord(id: "v\(i)", vector: v, metadata: ["bucket": .number(Double(i % 100))])
        }, into: "ns")
        let hits = try store.search("ns", vector: vectors[0], k: 20, filter: try Filter.parse(json: #"{"bucket": 7}"#))
        #expect(hits.count == 20)
        #expect(hits.allSatisfy { $0.metadata["bucket"] == .number(7) })
        let many = try store.search("ns", vector: vectors[0], k: 100, filter: try Filter.parse(json: #"{"bucket": 7}"#))
        #expect(many.count == 50)
    }
}
