import Foundation
import Testing
import TestSupport
@testable import VectorStore

/// `visible` and `restricts` (what BM25 and fusion use to apply filters) agree with the brute-force filter
/// oracle for every operator and clearance, on the same seeded data as the search oracle.
@Suite struct SelectionTests {
    @Test func visibleEqualsTheOracleForEveryFilterAndClearance() throws {
        let fixture = try OracleTests.makeFixture(clustered: false, count: 1500, seed: 21)
        // Known ids in scrambled order, plus ids that do not exist.
        var ids = fixture.records.map(\.id)
        var rng = SeededGenerator(seed: 4)
        ids.shuffle(using: &rng)
        ids += ["nope", "r99999", ""]
        let byID = Dictionary(uniqueKeysWithValues: fixture.records.map { ($0.id, $0) })
        for text in OracleTests.filters {
            let filter = try Filter.parse(json: text)
            for clearance in AccessLevel.allCases {
                let got = try fixture.store.visible(ids, in: "docs", filter: filter, clearance: clearance)
                let want = ids.map { id -> Bool in
                    guard let record = byID[id] else { return false }
                    var stored = record.metadata
                    if case .string(let text)? = stored["created_at"] { stored["created_at"] = .number(Timestamp.parse(text)!) }
                    guard case .string(let level)? = stored["access_level"], FilterOracle.rank(level) <= Int(clearance.rank) else { return false }
                    return FilterOracle.matches(filter, id: record.id, documentID: record.documentID, metadata: stored)
                }
                #expect(got == want, "\(text) at \(clearance)")
                let restricts = try fixture.store.restricts("docs", filter: filter, clearance: clearance)
                #expect(restricts == (want.count { $0 } < fixture.records.count), "restricts \(text) at \(clearance)")
            }
        }
    }

    @Test func badFiltersAndUnknownNamespacesAreErrors() throws {
        let fixture = try OracleTests.makeFixture(clustered: false, count: 50, seed: 2)
        #expect { _ = try fixture.store.visible(["r00001"], in: "docs", filter: try Filter.parse(json: #"{"n": "ten"}"#)) } throws: { error in
            (error as? VectorStoreError)?.code == .invalidFilter
        }
        #expect { _ = try fixture.store.visible(["r00001"], in: "missing") } throws: { error in
            (error as? VectorStoreError)?.code == .namespaceNotFound
        }
        #expect(try fixture.store.restricts("docs") == false)
        #expect(try fixture.store.visible([], in: "docs").isEmpty)
    }
}
