import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Retrieval

@Suite struct QueryLogTests {
    @Test func storedTextNeverContainsRawPII() throws {
        let dir = TemporaryDirectory("querylog")
        let store = try openRetrievalStore(dir)
        let log = QueryLog(store: store)
        // Even a query that skipped redaction upstream (pii = off) is redacted in the log.
        let entry = try log.record(QueryLogEntry(userID: "u1", queryText: "why is dave@example.com locked out?",
                                                 namespace: "handbook", model: "llama3", promptTokens: 120,
                                                 completionTokens: 30, latencyMs: 840, cacheLayer: nil,
                                                 path: "primary", status: "ok", cost: 0.0012))
        #expect(entry.queryText == "why is [EMAIL] locked out?")
        let raw = try store.query("SELECT query_text, query_hash, user_id FROM query_logs")
        #expect(raw.count == 1)
        #expect(raw[0][0].string == "why is [EMAIL] locked out?")
        #expect(raw[0][1].string?.count == 64)
        let everything = try store.query("SELECT * FROM query_logs").flatMap { $0 }.compactMap(\.string).joined()
        #expect(!everything.contains("dave@example.com"))
        let recent = try log.recent(limit: 10)
        #expect(recent.count == 1)
        #expect(recent[0].id == entry.id && recent[0].promptTokens == 120 && recent[0].path == "primary")
        #expect(abs(recent[0].cost - 0.0012) < 1e-12)
        #expect(try log.entry(id: entry.id)?.namespace == "handbook")
    }

    @Test func hashOnlyStoresOnlyTheDigest() throws {
        let dir = TemporaryDirectory("querylog-hash")
        let store = try openRetrievalStore(dir)
        let log = QueryLog(store: store, textPolicy: .hashOnly)
        let entry = try log.record(QueryLogEntry(queryText: "secret plans for erin@example.com", namespace: "ns", model: "m"))
        #expect(entry.queryText.hasPrefix("sha256:") && entry.queryText.count == 7 + 64)
        let stored = try store.query("SELECT query_text FROM query_logs")[0][0].string
        #expect(stored == entry.queryText)
        #expect(!(stored ?? "").contains("secret"))
    }

    @Test func recentIsNewestFirstAndFiltersByUser() throws {
        let dir = TemporaryDirectory("querylog-recent")
        let store = try openRetrievalStore(dir)
        let log = QueryLog(store: store)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<5 {
            try log.record(QueryLogEntry(userID: i % 2 == 0 ? "even" : "odd", queryText: "q\(i)", namespace: "ns",
                                         model: "m", cacheLayer: i == 4 ? "exact" : nil, createdAt: base + Double(i)))
        }
        #expect(try log.recent(limit: 3).map(\.queryText) == ["q4", "q3", "q2"])
        #expect(try log.recent(userID: "odd").map(\.queryText) == ["q3", "q1"])
        #expect(try log.recent(limit: 1).first?.cacheLayer == "exact")
        #expect(try store.query("SELECT name FROM sqlite_master WHERE name = 'idx_query_logs_user_created'").count == 1)
    }

    @Test func feedbackIsStoredForLoggedQueriesOnly() throws {
        let dir = TemporaryDirectory("querylog-feedback")
        let store = try openRetrievalStore(dir)
        let log = QueryLog(store: store)
        let entry = try log.record(QueryLogEntry(queryText: "q", namespace: "ns", model: "m"))
        try log.recordFeedback(queryID: entry.id, rating: 1, comment: "great, thanks — frank@example.com")
        let feedback = try log.feedback(for: entry.id)
        #expect(feedback.count == 1 && feedback[0].rating == 1)
        #expect(feedback[0].comment == "great, thanks — [EMAIL]")
        #expect(throws: RetrievalError.self) { try log.recordFeedback(queryID: "nope", rating: 1) }
        #expect(throws: RetrievalError.self) { try log.recordFeedback(queryID: entry.id, rating: 9) }
        // Persisted: a reopened store sees the log and the feedback.
        let reopened = QueryLog(store: try openRetrievalStore(dir))
        #expect(try reopened.entry(id: entry.id) != nil)
        #expect(try reopened.feedback(for: entry.id).count == 1)
    }
}
