import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// The audit log's hash chain against a real SQLite file: recording, reading, and detection of every kind of
/// tampering done with SQL straight on the table.
@Suite struct AuditLogTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000.123456)

    /// `count` entries one second apart from `start`, written one by one (unbuffered).
    static func seed(_ log: AuditLog, count: Int, start: Date = t0, principal: String = "key_1") throws {
        for i in 0..<count {
            try log.record(AuditEntry(time: start.addingTimeInterval(Double(i)), principal: principal, action: "POST /api/v1/search",
                                      namespace: "handbook", resourceIDs: i % 2 == 0 ? [] : ["q\(i)"], status: 200,
                                      requestID: "req_\(i)", shownDocumentIDs: ["doc\(i)", "doc\(i + 1)"]))
        }
    }

    static func tamper(_ store: VectorStore, _ sql: String, _ arguments: [SQLValue] = []) throws {
        try store.write { tx in try tx.execute(sql, arguments) }
    }

    @Test func entriesChainAndVerifyAcrossAReopen() throws {
        let dir = TemporaryDirectory("audit-chain")
        do {
            let log = AuditLog(store: try openAuditStore(dir))
            try Self.seed(log, count: 5)
            let entries = try log.list()
            #expect(entries.map(\.id) == [5, 4, 3, 2, 1])
            #expect(entries.last?.prevHash == AuditChain.genesis)
            for (newer, older) in zip(entries, entries.dropFirst()) { #expect(newer.prevHash == older.hash) }
            #expect(entries[0].shownDocumentIDs == ["doc4", "doc5"])
            #expect(entries[1].resourceIDs == ["q3"])
            #expect(abs(entries.last!.time.timeIntervalSince(Self.t0)) < 1e-6)
        }
        let log = AuditLog(store: try openAuditStore(dir))
        let result = try log.verify()
        #expect(result.ok)
        #expect(result.entries == 5)
        #expect(result.firstID == 1 && result.headID == 5)
        #expect(result.headHash == (try log.list(.init(limit: 1)))[0].hash)
        // Writing continues the same chain after the reopen.
        try Self.seed(log, count: 1, start: Self.t0.addingTimeInterval(10))
        #expect(try log.verify().headID == 6)
    }

    @Test func listFiltersAndPages() throws {
        let dir = TemporaryDirectory("audit-list")
        let log = AuditLog(store: try openAuditStore(dir))
        try Self.seed(log, count: 4, principal: "alice")
        try Self.seed(log, count: 2, start: Self.t0.addingTimeInterval(100), principal: "bob")
        #expect(try log.list(.init(principal: "bob")).map(\.id) == [6, 5])
        #expect(try log.list(.init(since: Self.t0.addingTimeInterval(2))).map(\.id) == [6, 5, 4, 3])
        #expect(try log.list(.init(limit: 2, beforeID: 5)).map(\.id) == [4, 3])
        #expect(try log.list(.init(action: "namespace.create")).isEmpty)
    }

    /// Each stored column the hash covers: changing it is found at that entry.
    @Test(arguments: [
        "UPDATE audit_log SET status = 500 WHERE id = 3",
        "UPDATE audit_log SET principal = 'mallory' WHERE id = 3",
        "UPDATE audit_log SET action = 'GET /healthz' WHERE id = 3",
        "UPDATE audit_log SET namespace = NULL WHERE id = 3",
        "UPDATE audit_log SET resource_ids = '[\"q9\"]' WHERE id = 3",
        "UPDATE audit_log SET shown_document_ids = '[\"doc3\"]' WHERE id = 3",
        "UPDATE audit_log SET shown_document_ids = 'not json' WHERE id = 3",
        "UPDATE audit_log SET shown_omitted = 1 WHERE id = 3",
        "UPDATE audit_log SET request_id = 'req_x' WHERE id = 3",
        "UPDATE audit_log SET created_at = created_at + 0.001 WHERE id = 3",
        "UPDATE audit_log SET prev_hash = hash WHERE id = 3",
    ])
    func anEditedEntryIsReportedByItsID(sql: String) throws {
        let dir = TemporaryDirectory("audit-edit")
        let store = try openAuditStore(dir)
        let log = AuditLog(store: store)
        try Self.seed(log, count: 5)
        try Self.tamper(store, sql)
        let result = try log.verify()
        #expect(result.broken?.id == 3, "\(sql): \(String(describing: result.broken))")
        #expect(result.entries == 2)
    }

    @Test func anEditWithARecomputedHashBreaksTheNextLink() throws {
        let dir = TemporaryDirectory("audit-rehash")
        let store = try openAuditStore(dir)
        let log = AuditLog(store: store)
        try Self.seed(log, count: 5)
        var forged = try #require(try log.list(.init(limit: 1, beforeID: 4)).first)
        forged.status = 204
        try Self.tamper(store, "UPDATE audit_log SET status = 204, hash = ? WHERE id = 3", [.text(AuditChain.hash(forged, prev: forged.prevHash))])
        let broken = try #require(try log.verify().broken)
        #expect(broken.id == 4)
        #expect(broken.reason.contains("does not link"))
    }

    @Test func aDeletedMiddleEntryIsReported() throws {
        let dir = TemporaryDirectory("audit-delete")
        let store = try openAuditStore(dir)
        let log = AuditLog(store: store)
        try Self.seed(log, count: 5)
        try Self.tamper(store, "DELETE FROM audit_log WHERE id = 3")
        let broken = try #require(try log.verify().broken)
        #expect(broken.id == 3)
        #expect(broken.reason.contains("missing"))
    }

    @Test func aDeletedFirstOrLastEntryIsReported() throws {
        let dir = TemporaryDirectory("audit-ends")
        let store = try openAuditStore(dir)
        let log = AuditLog(store: store)
        try Self.seed(log, count: 5)
        try Self.tamper(store, "DELETE FROM audit_log WHERE id = 5")
        #expect(try log.verify().broken?.id == 5)
        try Self.tamper(store, "DELETE FROM audit_log WHERE id = 1")
        #expect(try log.verify().broken?.id == 1)
    }

    @Test func reorderedOrRenumberedEntriesAreReported() throws {
        let dir = TemporaryDirectory("audit-reorder")
        let store = try openAuditStore(dir)
        let log = AuditLog(store: store)
        try Self.seed(log, count: 5)
        // Swap rows 2 and 3 (their contents trade places under the ids).
        try Self.tamper(store, "UPDATE audit_log SET id = -2 WHERE id = 2")
        try Self.tamper(store, "UPDATE audit_log SET id = 2 WHERE id = 3")
        try Self.tamper(store, "UPDATE audit_log SET id = 3 WHERE id = -2")
        #expect(try log.verify().broken?.id == 2)

        let other = TemporaryDirectory("audit-renumber")
        let store2 = try openAuditStore(other)
        let log2 = AuditLog(store: store2)
        try Self.seed(log2, count: 5)
        // Close a deletion's gap by renumbering the rest: the hashes cover the ids.
        try Self.tamper(store2, "DELETE FROM audit_log WHERE id = 3")
        try Self.tamper(store2, "UPDATE audit_log SET id = id - 1 WHERE id > 3")
        #expect(try log2.verify().broken?.id == 3)
    }

    @Test func bufferedEntriesFromManyTasksFormOneChain() async throws {
        let dir = TemporaryDirectory("audit-buffer")
        let log = AuditLog(store: try openAuditStore(dir), flushInterval: 0.005)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<250 {
                        try? log.record(AuditEntry(principal: "p\(task)", action: "GET /api/v1/namespaces", status: 200, requestID: "r\(task)-\(i)"))
                    }
                }
            }
        }
        try log.flush()
        #expect(log.pending == 0)
        let result = try log.verify()
        #expect(result.ok)
        #expect(result.entries == 2000)
        #expect(result.headID == 2000)
        // Each task's entries keep their order.
        let mine = try log.list(.init(limit: 1000, principal: "p3")).reversed().map(\.requestID)
        #expect(mine == (0..<250).map { "r3-\($0)" })
    }

    @Test func twoProcessesAppendToOneChain() throws {
        let dir = TemporaryDirectory("audit-two-writers")
        let server = AuditLog(store: try openAuditStore(dir))
        let cli = AuditLog(store: try openAuditStore(dir))   // a second connection, as another process has
        for i in 0..<10 {
            try (i % 3 == 0 ? cli : server).record(AuditEntry(principal: "local", action: "namespace.create", status: 201, requestID: "r\(i)"))
        }
        let result = try server.verify()
        #expect(result.ok && result.entries == 10)
    }

    @Test func theNoteBoundsDedupesAndRedacts() {
        let note = AuditNote(principal: "local")
        note.namespace("jane.doe@example.com")
        note.resource("0123456789abcdef0123456789abcdef")
        note.resource("call 555-867-5309")
        note.resource("0123456789abcdef0123456789abcdef")
        note.resource(String(repeating: "x", count: 1000))
        note.show(documentIDs: ["a", "b", "a"] + (0..<1200).map { "d\($0)" })
        note.name("keys.create")
        let entry = note.entry(status: 201, requestID: "r1", route: "/api/v1/keys", method: "POST")
        #expect(entry.namespace == "[EMAIL]")
        #expect(entry.resourceIDs.count == 3)
        #expect(entry.resourceIDs[0] == "0123456789abcdef0123456789abcdef")
        #expect(entry.resourceIDs[1] == "call [PHONE]")
        #expect(entry.resourceIDs[2].count == AuditNote.maxLength)
        #expect(entry.shownDocumentIDs.count == AuditNote.maxShown)
        #expect(entry.shownDocumentIDs.prefix(3) == ["a", "b", "d0"])
        #expect(entry.shownOmitted == 1202 - AuditNote.maxShown)
        #expect(entry.action == "keys.create")
    }

    @Test func idListsWithAnyCharactersRoundTrip() throws {
        let dir = TemporaryDirectory("audit-lists")
        let log = AuditLog(store: try openAuditStore(dir))
        let odd = ["a\"b", "back\\slash", "line\nbreak\u{1}", "été ✓", "comma,\"],[\"", "", "[]"]
        try log.record(AuditEntry(principal: "local", action: "GET /api/v1/namespaces", resourceIDs: odd, status: 200, requestID: "r",
                                  shownDocumentIDs: ["plain", "ids"]))
        let stored = try #require(try log.list().first)
        #expect(stored.resourceIDs == odd)
        #expect(stored.shownDocumentIDs == ["plain", "ids"])
        #expect(try log.verify().ok)
    }

    @Test func canonicalEncodingSeparatesFields() {
        // Moving text between fields must change the hash (the encoding is length-prefixed).
        let a = AuditEntry(id: 1, time: Self.t0, principal: "ab", action: "c", status: 200, requestID: "r")
        let b = AuditEntry(id: 1, time: Self.t0, principal: "a", action: "bc", status: 200, requestID: "r")
        let c = AuditEntry(id: 1, time: Self.t0, principal: "ab", action: "c", namespace: "", status: 200, requestID: "r")
        let d = AuditEntry(id: 1, time: Self.t0, principal: "ab", action: "c", resourceIDs: ["x,y"], status: 200, requestID: "r")
        let e = AuditEntry(id: 1, time: Self.t0, principal: "ab", action: "c", resourceIDs: ["x", "y"], status: 200, requestID: "r")
        let hashes = [a, b, c, d, e].map { AuditChain.hash($0, prev: AuditChain.genesis) }
        #expect(Set(hashes).count == 5)
        #expect(hashes[0] == AuditChain.hash(a, prev: AuditChain.genesis))
        #expect(hashes[0].count == 64)
    }
}

/// The server's schema with `normal` durability: these tests commit hundreds of small transactions, and an
/// fsync each would hold the two cooperative threads the whole test process shares.
func openAuditStore(_ dir: TemporaryDirectory) throws -> VectorStore {
    var configuration = VectorStore.Configuration()
    configuration.durability = .normal
    configuration.migrations = IngestSchema.migrations + RetrievalSchema.migrations + AuditSchema.migrations
    return try VectorStore(directory: dir.file("data"), configuration: configuration)
}
