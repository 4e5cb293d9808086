import Foundation
import Ingest
import VectorStore

/// The query log (`query_logs`) and answer feedback (`feedback`) in the store's SQLite file.
///
/// The log never holds raw personal data: every query text is passed through `PIIRedactor` again on
/// `record`, whatever the validation policy was, and under `hashOnly` only `sha256:<hex>` of the redacted
/// text is kept. `query_hash` (sha256 of the redacted, normalised text) is always stored, for counting
/// repeated questions without reading them.
///
/// Writes are one short transaction each, unless `flushInterval` is set: then entries are buffered and
/// written together at most that many seconds later (a server answering thousands of cached queries a second
/// cannot pay one fsync each). Reads and feedback flush first, so they always see every recorded entry; a
/// crash loses at most the last interval of log lines, never answers or documents.
public struct QueryLog: Sendable {
    /// What `query_text` holds.
    public enum TextPolicy: String, Sendable, Codable, CaseIterable {
        /// The redacted query text (default).
        case redacted
        /// Only `sha256:<hex>` of the redacted text.
        case hashOnly = "hash_only"
    }

    public let textPolicy: TextPolicy
    private let store: VectorStore
    private let redactor: PIIRedactor
    private let buffer: BatchBuffer<[SQLValue]>?
    /// The stored text and hash of recent questions (redaction and hashing are pure).
    private let storedText = Memo<String, StoredText>(capacity: 4096)

    /// - Parameter store: opened with `RetrievalSchema.migrations`.
    public init(store: VectorStore, textPolicy: TextPolicy = .redacted, redactor: PIIRedactor = PIIRedactor(),
                flushInterval: Double? = nil) {
        self.store = store
        self.textPolicy = textPolicy
        self.redactor = redactor
        buffer = flushInterval.map { interval in
            // A failed scheduled write keeps its rows for the next flush (or the shutdown flush, which reports it).
            BatchBuffer(interval: max(0.001, interval)) { rows in
                try store.write { tx in
                    for row in rows { try tx.execute(QueryLog.insert, row) }
                }
            }
        }
    }

    /// Whether `record` only queues the row (a `flushInterval` was given), so it never waits for SQLite.
    public var writesInBatches: Bool { buffer != nil }

    /// Writes buffered entries now (no-op without `flushInterval`). Call at shutdown.
    public func flush() throws {
        try buffer?.flush()
    }

    /// Appends `entry`, storing its text under `textPolicy`; returns the stored row.
    /// - Throws: `VectorStoreError` when the write fails (e.g. the schema is not migrated, a duplicate id).
    @discardableResult
    public func record(_ entry: QueryLogEntry) throws -> QueryLogEntry {
        let (text, hash) = storedText.value(for: entry.queryText) {
            let redacted = redactor.redact(entry.queryText).text
            return (textPolicy == .redacted ? redacted : "sha256:" + Hashing.sha256Hex(redacted),
                    Hashing.sha256Hex(AnswerCacheKey.normalize(redacted)))
        }
        var stored = entry
        stored.queryText = text
        let row: [SQLValue] = [.text(stored.id), stored.userID.map(SQLValue.text) ?? .null,
                               store.seal(text: stored.queryText, .queryLogsQueryText, row: [.text(stored.id)]), .text(hash),
                               .text(stored.model), .integer(Int64(stored.promptTokens)), .integer(Int64(stored.completionTokens)),
                               .integer(Int64(stored.latencyMs)), .real(stored.createdAt.timeIntervalSince1970),
                               .text(stored.namespace), stored.cacheLayer.map(SQLValue.text) ?? .null, .text(stored.path),
                               .text(stored.status), .real(stored.cost)]
        if let buffer {
            buffer.append(row)
        } else {
            try store.write { tx in try tx.execute(Self.insert, row) }
        }
        return stored
    }

    static let insert = """
        INSERT INTO query_logs(id, user_id, query_text, query_hash, model_used, prompt_tokens, completion_tokens,
                               latency_ms, created_at, namespace, cache_layer, path, status, cost)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The newest entries first, at most `limit`, optionally only those of `userID`.
    public func recent(limit: Int = 50, userID: String? = nil) throws -> [QueryLogEntry] {
        let limit = SQLValue.integer(Int64(max(0, limit)))
        if let userID {
            return try entries("WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?", [.text(userID), limit])
        }
        return try entries("ORDER BY created_at DESC, rowid DESC LIMIT ?", [limit])
    }

    /// The entry with `id`, if logged.
    public func entry(id: String) throws -> QueryLogEntry? {
        try entries("WHERE id = ?", [.text(id)]).first
    }

    private func entries(_ clause: String, _ arguments: [SQLValue]) throws -> [QueryLogEntry] {
        try flush()
        return try store.query("""
            SELECT id, user_id, query_text, model_used, prompt_tokens, completion_tokens, latency_ms, created_at,
                   namespace, cache_layer, path, status, cost FROM query_logs
            """ + " " + clause, arguments).map { row in
            QueryLogEntry(id: row[0].string ?? "", userID: row[1].string,
                          queryText: try store.openText(row[2], .queryLogsQueryText, row: [row[0]]) ?? "",
                          namespace: row[8].string ?? "", model: row[3].string ?? "", promptTokens: row[4].int ?? 0,
                          completionTokens: row[5].int ?? 0, latencyMs: row[6].int ?? 0, cacheLayer: row[9].string,
                          path: row[10].string ?? "", status: row[11].string ?? "", cost: row[12].double ?? 0,
                          createdAt: Date(timeIntervalSince1970: row[7].double ?? 0))
        }
    }

    /// Stores a rating of the answer to `queryID`. The comment is redacted like query texts.
    /// - Throws: `RetrievalError(.invalidQuery)` when `query_id` is unknown or `rating` is outside -1...5;
    ///   `VectorStoreError` when the write fails.
    public func recordFeedback(_ feedback: QueryFeedback) throws {
        guard (-1...5).contains(feedback.rating) else {
            throw RetrievalError(.invalidQuery, "feedback rating must be -1...5; got \(feedback.rating)")
        }
        let comment = feedback.comment.map { redactor.redact($0).text }
        try flush()
        try store.write { tx in
            guard !(try tx.query("SELECT 1 FROM query_logs WHERE id = ?", [.text(feedback.queryID)])).isEmpty else {
                throw RetrievalError(.invalidQuery, "feedback query_id \"\(feedback.queryID)\" is not a logged query")
            }
            // The id is chosen here (as SQLite would) because a sealed comment is bound to it.
            let id = SQLValue.integer(Int64(try tx.query("SELECT COALESCE(MAX(id), 0) + 1 FROM feedback").first?.first?.int ?? 1))
            try tx.execute("INSERT INTO feedback(id, query_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                           [id, .text(feedback.queryID), .integer(Int64(feedback.rating)),
                            comment.map { store.seal(text: $0, .feedbackComment, row: [id]) } ?? .null,
                            .real(feedback.createdAt.timeIntervalSince1970)])
        }
    }

    /// Convenience for `recordFeedback(QueryFeedback(...))`.
    public func recordFeedback(queryID: String, rating: Int, comment: String? = nil, createdAt: Date = Date()) throws {
        try recordFeedback(QueryFeedback(queryID: queryID, rating: rating, comment: comment, createdAt: createdAt))
    }

    /// Feedback for `queryID`, oldest first.
    public func feedback(for queryID: String) throws -> [QueryFeedback] {
        try store.query("SELECT query_id, rating, comment, created_at, id FROM feedback WHERE query_id = ? ORDER BY id",
                        [.text(queryID)]).map { row in
            QueryFeedback(queryID: row[0].string ?? "", rating: row[1].int ?? 0,
                          comment: try store.openText(row[2], .feedbackComment, row: [row[4]]),
                          createdAt: Date(timeIntervalSince1970: row[3].double ?? 0))
        }
    }
}

typealias StoredText = (text: String, hash: String)
